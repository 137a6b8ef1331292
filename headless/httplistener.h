#pragma once

#include "httpmessage.h"

#include <QHostAddress>
#include <QObject>
#include <QSet>
#include <QTimer>

struct MHD_Daemon;
struct MHD_Connection;
class QSocketNotifier;

namespace herald {

class PendingRequest;

// HTTP/1.1 server on libmicrohttpd, driven by the Qt event loop on one thread (MHD's epoll fd in
// a QSocketNotifier, its timeouts in a QTimer). It only turns bytes into HttpServerRequest values
// and HttpServerResponse values back into bytes; answers may come later (suspend/resume).
class HttpListener : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        QHostAddress address = QHostAddress::Any;
        quint16 port = 8080;
        qint64 maxBodyBytes = 10 * 1024 * 1024;
        int maxHeaderBytes = 64 * 1024;
        int headerTimeoutMs = 10000;
        int idleTimeoutMs = 60000;
        int maxConnections = 1024;
        QString tlsCertFile;
        QString tlsKeyFile;
    };

    explicit HttpListener(QObject *parent = nullptr);
    ~HttpListener() override;

    bool listen(const Settings &settings, QString *error);
    quint16 port() const { return m_port; }
    // Stops accepting new connections; open ones are still served (graceful drain).
    void stopAccepting();
    int openConnections() const { return static_cast<int>(m_connections.size()); }

Q_SIGNALS:
    void requestReceived(herald::PendingRequest *request);

private:
    friend class PendingRequest;
    struct RequestState;
    struct ConnectionState;

    struct Callbacks; // libmicrohttpd's C callbacks, defined in the .cpp
    friend struct Callbacks;

    int handleAccess(MHD_Connection *connection, RequestState *state, const char *method, const char *version,
                     const char *uploadData, size_t *uploadDataSize);
    bool startRequest(MHD_Connection *connection, RequestState *state, const char *method, const char *version);
    void deliver(void *state, const HttpServerResponse &response);
    int queue(MHD_Connection *connection, const HttpServerResponse &response);
    void run();
    void scheduleRun();
    void armTimer();
    void closeSlowHeaders();

    MHD_Daemon *m_daemon = nullptr;
    QSocketNotifier *m_notifier = nullptr;
    QTimer m_timeoutTimer;
    QTimer m_sweepTimer;
    Settings m_settings;
    quint16 m_port = 0;
    bool m_runScheduled = false;
    bool m_tls = false;
    QByteArray m_certificate;
    QByteArray m_key;
    QSet<ConnectionState *> m_connections;
    QSet<RequestState *> m_suspended;
};

} // namespace herald
