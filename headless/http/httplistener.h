#pragma once

#include "http/httpmessage.h"
#include "http/requestlineguard.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTimer>

struct MHD_Daemon;
class QSocketNotifier;

namespace herald {

struct HttpConnection;
struct HttpExchange;
class PendingRequest;

// HTTP/1.1 server on libmicrohttpd, run by the Qt event loop on the calling thread (MHD's epoll fd
// in a QSocketNotifier, its timeouts in a QTimer). It only turns bytes into HttpServerRequest values
// and HttpServerResponse values back into bytes; what a request means is the receiver's business.
class HttpListener : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        QHostAddress address = QHostAddress::Any;
        quint16 port = 8080;
        qint64 maxBodyBytes = 10 * 1024 * 1024;
        int maxHeaderBytes = 32 * 1024;
        int headerTimeoutMs = 10000;
        int idleTimeoutMs = 60000;
        int maxConnections = 1024;
        QString tlsCertFile;
        QString tlsKeyFile;
        bool reusePort = false; // SO_REUSEPORT: several listeners (HERALD_WORKERS) share the port
    };

    explicit HttpListener(QObject *parent = nullptr);
    ~HttpListener() override;

    // On failure, error says what failed (address in use, unreadable certificate...).
    bool listen(const Settings &settings, QString *error);
    // The port really bound (the one chosen by the system when 0 was asked).
    quint16 port() const { return m_port; }
    // Graceful drain: no new connections; requests in flight are answered (with Connection: close)
    // and connections idle between requests are closed.
    void stopAccepting();
    int openConnections() const { return static_cast<int>(m_connections.size()); }

Q_SIGNALS:
    // A complete request; answer it with request->respond(), now or later.
    void requestReceived(herald::PendingRequest *request);

private:
    friend class PendingRequest;
    struct Callbacks; // libmicrohttpd's C callbacks, defined in the .cpp
    friend struct Callbacks;

    bool startDaemon(const Settings &settings, bool dualStack, QString *error);
    bool handleAccess(HttpExchange *exchange, const char *method, const char *version, const char *uploadData,
                      size_t *uploadDataSize);
    bool dispatch(HttpExchange *exchange);
    void deliver(HttpExchange *exchange, const HttpServerResponse &response);
    void run();
    bool wantsRunAtOnce() const;
    void scheduleRun();
    void armTimers();
    void sweep();

    MHD_Daemon *m_daemon = nullptr;
    QSocketNotifier *m_notifier = nullptr;
    QSocketNotifier *m_guardNotifier = nullptr; // the request-line guard's own epoll set
    static constexpr int kExtraRunsPerTurn = 3;
    QTimer m_runTimer;     // zero interval: MHD runs again on the next turn, without waking the loop's eventfd
    QTimer m_timeoutTimer; // MHD's own timeouts (idle connections)
    QTimer m_sweepTimer;   // ours: slow request heads, clients gone while their request waits
    Settings m_settings;
    quint16 m_port = 0;
    bool m_tls = false;
    bool m_quiesced = false;
    bool m_inRun = false;
    bool m_runAgain = false;
    QByteArray m_certificate;
    QByteArray m_key;
    QStringList m_startErrors; // what MHD logged while starting, for listen()'s error
    bool m_starting = false;
    quint64 m_nextExchangeId = 1;
    RequestLineGuard m_guard;
    QSet<HttpConnection *> m_connections;
    QHash<quint64, HttpExchange *> m_suspended;
    QList<quint64> m_toResume;
};

} // namespace herald
