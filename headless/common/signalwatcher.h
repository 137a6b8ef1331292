#pragma once

#include <QObject>

class QSocketNotifier;

namespace herald {

// Turns Unix signals (SIGTERM, SIGINT, SIGHUP) into a Qt signal on the event loop, through a
// self-pipe: a signal handler may only write a byte, the slot does the real work.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(const QList<int> &signalNumbers, QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void signalReceived(int signalNumber);

private:
    static void handler(int signalNumber);
    void onReadable();

    static int s_fds[2];
    QSocketNotifier *m_notifier;
    QList<int> m_signals;
};

} // namespace herald
