// Latency and packet loss between `herald serve` and its backends, made by tc netem on a veth pair
// into a network namespace this test creates (link-local 169.254.77.0/30, nothing leaves the
// machine). The backends' listening sockets are made inside the namespace (setns around listen),
// so the test reads what they received; herald serve runs outside. Needs root and ip. Where sch_netem
// is missing, latency comes from a userspace delay relay listening in the namespace (DelayRelay: each
// chunk held 100 ms each way, between Herald and the backends over the veth), and loss from iptables'
// statistic match inside the namespace. Skipped with the reason where they are missing, failing where
// they work and Herald misbehaves.
#include "delayrelay.h"
#include "serveprocess.h"
#include "testbackend.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>

using namespace herald::test;

namespace {

const QString kHostAddress = QStringLiteral("169.254.77.1/30");
const QString kBackendAddress = QStringLiteral("169.254.77.2");

// Runs a command; returns its stderr (empty on success) so a failed setup can say why.
QString run(const QStringList &command)
{
    QProcess process;
    process.start(command.first(), command.mid(1));
    if (!process.waitForFinished(10000))
        return command.join(QLatin1Char(' ')) + QStringLiteral(": did not finish");
    if (process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0)
        return {};
    const QString error = QString::fromLocal8Bit(process.readAllStandardError()).trimmed();
    return command.join(QLatin1Char(' ')) + QStringLiteral(": ") + (error.isEmpty() ? QStringLiteral("failed") : error);
}

QProcessEnvironment env(std::initializer_list<std::pair<const char *, QString>> values)
{
    QProcessEnvironment environment;
    for (const auto &value : values)
        environment.insert(QString::fromLatin1(value.first), value.second);
    return environment;
}

QJsonArray answerTargets(const HttpReply &reply)
{
    return QJsonDocument::fromJson(reply.body).object().value(QLatin1String("targets")).toArray();
}

} // namespace

class TestNetem : public QObject
{
    Q_OBJECT

    QString m_namespace;
    QString m_hostLink;
    QString m_backendLink;
    bool m_created = false;
    bool m_netem = false;
    QString m_netemError;
    std::unique_ptr<TestBackend> m_backends[2];

    QString targets() const { return targets(m_backends[0]->port(), m_backends[1]->port()); }
    static QString targets(quint16 first, quint16 second)
    {
        return QStringLiteral("http://%1:%2,http://%1:%3").arg(kBackendAddress).arg(first).arg(second);
    }

    // netem on the host end: what Herald sends is delayed or lost.
    QString netem(const QStringList &arguments)
    {
        return run(QStringList{QStringLiteral("tc"), QStringLiteral("qdisc"), QStringLiteral("replace"), QStringLiteral("dev"),
                               m_hostLink, QStringLiteral("root"), QStringLiteral("netem")}
                   + arguments);
    }
    // Loses `percent` of the packets towards the backends: netem, else iptables in the namespace.
    QString loss(int percent)
    {
        if (m_netem)
            return netem({QStringLiteral("loss"), QStringLiteral("%1%").arg(percent)});
        QStringList rule =
            {QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("exec"), m_namespace,  QStringLiteral("iptables"),
             QStringLiteral("-A"), QStringLiteral("INPUT"), QStringLiteral("-i"),   m_backendLink};
        if (percent < 100)
            rule += {QStringLiteral("-m"),     QStringLiteral("statistic"),     QStringLiteral("--mode"),
                     QStringLiteral("random"), QStringLiteral("--probability"), QString::number(percent / 100.0)};
        return run(rule + QStringList{QStringLiteral("-j"), QStringLiteral("DROP")});
    }
    void unshape()
    {
        if (m_netem)
            run({QStringLiteral("tc"), QStringLiteral("qdisc"), QStringLiteral("del"), QStringLiteral("dev"), m_hostLink,
                 QStringLiteral("root")});
        else
            run({QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("exec"), m_namespace, QStringLiteral("iptables"),
                 QStringLiteral("-F"), QStringLiteral("INPUT")});
    }

    // A TestBackend whose listening socket lives in the namespace (a socket keeps the namespace it was made in).
    bool listenInNamespace(TestBackend *backend)
    {
        return inNamespace([backend] { return backend->listen(QHostAddress(kBackendAddress)); });
    }
    // Runs `listen` with the thread in the namespace, and comes back.
    bool inNamespace(const std::function<bool()> &listen)
    {
        const int original = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        const int inside = ::open(qPrintable(QStringLiteral("/run/netns/") + m_namespace), O_RDONLY | O_CLOEXEC);
        bool listening = false;
        if (original >= 0 && inside >= 0 && ::setns(inside, CLONE_NEWNET) == 0) {
            listening = listen();
            if (::setns(original, CLONE_NEWNET) != 0)
                qFatal("cannot return to the original network namespace");
        }
        for (int fd : {original, inside}) {
            if (fd >= 0)
                ::close(fd);
        }
        return listening;
    }

    void removeNamespace()
    {
        if (!m_created)
            return;
        run({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("del"), m_hostLink}); // its peer goes with it
        run({QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("del"), m_namespace});
        m_created = false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("needs root for ip netns and tc");
        if (!run({QStringLiteral("ip"), QStringLiteral("-V")}).isEmpty()
            || !run({QStringLiteral("tc"), QStringLiteral("-V")}).isEmpty())
            QSKIP("needs ip and tc (apt-get install iproute2)");
        run({QStringLiteral("modprobe"), QStringLiteral("sch_netem")}); // may be built in, or already loaded
        const QString id = QString::number(::getpid());
        m_namespace = QStringLiteral("herald-netem-") + id;
        m_hostLink = QStringLiteral("hn%1a").arg(id);
        m_backendLink = QStringLiteral("hn%1b").arg(id);
        QString error = run({QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("add"), m_namespace});
        if (!error.isEmpty())
            QSKIP(qPrintable(QStringLiteral("cannot create a network namespace here: ") + error));
        m_created = true;
        const QString inside = QStringLiteral("ip netns exec %1 ").arg(m_namespace);
        for (const QString &command :
             {QStringLiteral("ip link add %1 type veth peer name %2").arg(m_hostLink, m_backendLink),
              QStringLiteral("ip link set %1 netns %2").arg(m_backendLink, m_namespace),
              QStringLiteral("ip addr add %1 dev %2").arg(kHostAddress, m_hostLink),
              QStringLiteral("ip link set %1 up").arg(m_hostLink),
              inside + QStringLiteral("ip addr add %1/30 dev %2").arg(kBackendAddress, m_backendLink),
              inside + QStringLiteral("ip link set %1 up").arg(m_backendLink), inside + QStringLiteral("ip link set lo up")}) {
            error = run(command.split(QLatin1Char(' ')));
            if (!error.isEmpty()) {
                removeNamespace();
                QSKIP(qPrintable(QStringLiteral("cannot set up the veth pair: ") + error));
            }
        }
        m_netemError = netem({QStringLiteral("delay"), QStringLiteral("0ms")});
        m_netem = m_netemError.isEmpty();
        if (!m_netem) {
            error = run({QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("exec"), m_namespace,
                         QStringLiteral("iptables"), QStringLiteral("-L"), QStringLiteral("INPUT")});
            if (!error.isEmpty()) {
                removeNamespace();
                QSKIP(qPrintable(QStringLiteral("neither tc netem (modprobe sch_netem) nor iptables works here: ") + m_netemError
                                 + "; " + error));
            }
        }
        for (auto &backend : m_backends) {
            backend = std::make_unique<TestBackend>();
            QVERIFY2(listenInNamespace(backend.get()), "cannot listen inside the namespace");
        }
    }
    void cleanupTestCase()
    {
        for (auto &backend : m_backends)
            backend.reset();
        removeNamespace();
    }
    void cleanup() { unshape(); }

    // 100 ms added: a 50 ms attempt timeout times out, 500 ms succeeds and shows the latency. With
    // netem, 100 ms one way on the host end (the SYN and the request each wait); without it, a
    // DelayRelay per backend in the namespace holds each chunk 100 ms each way (the request and the
    // answer each wait), and Herald's targets are the relays.
    void addedLatency_data()
    {
        QTest::addColumn<QString>("timeout");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("outcome");
        QTest::newRow("50ms timeout") << "50ms" << 502 << "timeout";
        QTest::newRow("500ms timeout") << "500ms" << 200 << "ok";
    }
    void addedLatency()
    {
        QFETCH(QString, timeout);
        QFETCH(int, status);
        QFETCH(QString, outcome);
        const std::chrono::milliseconds delay(100);
        std::unique_ptr<DelayRelay> relays[2];
        QString latencyTargets;
        if (m_netem) {
            QVERIFY2(netem({QStringLiteral("delay"), QStringLiteral("100ms")}).isEmpty(), "tc netem delay");
            latencyTargets = targets();
            qInfo("added latency: %d ms one way by tc netem on %s", int(delay.count()), qPrintable(m_hostLink));
        } else {
            for (int t = 0; t < 2; ++t) {
                relays[t] = std::make_unique<DelayRelay>(QHostAddress(kBackendAddress), m_backends[t]->port(), delay);
                DelayRelay *relay = relays[t].get();
                QVERIFY2(inNamespace([relay] { return relay->listen(QHostAddress(kBackendAddress)); }),
                         "cannot listen inside the namespace");
            }
            latencyTargets = targets(relays[0]->port(), relays[1]->port());
            qInfo("added latency: %d ms each way by a userspace delay relay in %s (tc netem unavailable: %s)", int(delay.count()),
                  qPrintable(m_namespace), qPrintable(m_netemError));
        }
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", latencyTargets},
                                 {"HERALD_TIMEOUT", timeout},
                                 {"HERALD_RETRIES", QStringLiteral("0")},
                                 {"HERALD_CIRCUIT_THRESHOLD", QStringLiteral("0")}})));
        const HttpReply reply = serve.send("PURGE", "/latency");
        QCOMPARE(reply.status, status);
        const QJsonArray results = answerTargets(reply);
        QCOMPARE(results.size(), 2);
        for (const QJsonValue &result : results) {
            QCOMPARE(result[QLatin1String("outcome")].toString(), outcome);
            QVERIFY2(result[QLatin1String("latencyMs")].toInt() >= 50,
                     qPrintable(QString::number(result[QLatin1String("latencyMs")].toInt())));
            if (outcome == QLatin1String("ok")) // the delay is visible: at least one 100 ms crossing
                QVERIFY(result[QLatin1String("latencyMs")].toInt() >= 100);
            qInfo("  %s: %s after %d ms", qPrintable(result[QLatin1String("target")].toString()),
                  qPrintable(result[QLatin1String("outcome")].toString()), result[QLatin1String("latencyMs")].toInt());
        }
        for (const auto &relay : relays) {
            if (relay) // the requests went through the relay, not around it
                QVERIFY2(relay->connectionCount() >= 1, "nothing connected through the delay relay");
        }
    }

    // 30% of what Herald sends is lost: with a 300 ms attempt timeout a lost SYN (retransmitted
    // after 1 s) is a timeout, so Herald's retries recover every broadcast within its deadline, and
    // what the backends received matches what Herald reports.
    void packetLoss()
    {
        QVERIFY2(loss(30).isEmpty(), "30% loss");
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", targets()},
                                 {"HERALD_TIMEOUT", QStringLiteral("300ms")},
                                 {"HERALD_RETRIES", QStringLiteral("12")},
                                 {"HERALD_DEADLINE", QStringLiteral("20s")},
                                 {"HERALD_CIRCUIT_THRESHOLD", QStringLiteral("0")}})));
        const int before[2] = {m_backends[0]->requestCount(), m_backends[1]->requestCount()};
        const int broadcasts = 20;
        int attempts[2] = {0, 0};
        qint64 slowest = 0;
        for (int i = 0; i < broadcasts; ++i) {
            QElapsedTimer clock;
            clock.start();
            const HttpReply reply = serve.send("PURGE", "/loss/" + QByteArray::number(i), {}, {}, 0, 30000);
            slowest = qMax(slowest, clock.elapsed());
            QVERIFY2(clock.elapsed() < 21000, qPrintable(QString::number(clock.elapsed())));
            QCOMPARE(reply.status, 200);
            const QJsonArray results = answerTargets(reply);
            for (int t = 0; t < 2; ++t)
                attempts[results.at(t)[QLatin1String("target")].toString().endsWith(QString::number(m_backends[0]->port())) ? 0 : 1] +=
                    results.at(t)[QLatin1String("attempts")].toInt();
        }
        for (int t = 0; t < 2; ++t) {
            // Every broadcast reached each backend at least once; a timed-out attempt may also have arrived.
            QSet<QByteArray> paths;
            const QList<RecordedRequest> received = m_backends[t]->requests().mid(before[t]);
            for (const RecordedRequest &request : received)
                paths.insert(request.target);
            QCOMPARE(paths.size(), broadcasts);
            QVERIFY2(received.size() >= broadcasts && received.size() <= attempts[t],
                     qPrintable(QStringLiteral("received %1, attempts %2").arg(received.size()).arg(attempts[t])));
            qInfo("30%% loss (%s), backend %d: %d broadcasts ok, %d attempts, %d received, slowest answer %lld ms",
                  m_netem ? "netem" : "iptables", t, broadcasts, attempts[t], int(received.size()), slowest);
        }
    }

    // Nothing gets through: each target times out, and the answer comes by the deadline, never a hang.
    void blackholedBackends()
    {
        QVERIFY2(loss(100).isEmpty(), "100% loss");
        ServeProcess serve;
        QVERIFY(serve.start(env({{"HERALD_TARGETS", targets()},
                                 {"HERALD_TIMEOUT", QStringLiteral("300ms")},
                                 {"HERALD_RETRIES", QStringLiteral("2")},
                                 {"HERALD_DEADLINE", QStringLiteral("3s")},
                                 {"HERALD_CIRCUIT_THRESHOLD", QStringLiteral("0")}})));
        QElapsedTimer clock;
        clock.start();
        const HttpReply reply = serve.send("PURGE", "/blackhole", {}, {}, 0, 10000);
        QVERIFY2(clock.elapsed() < 3500, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(reply.status, 502);
        for (const QJsonValue &result : answerTargets(reply))
            QCOMPARE(result[QLatin1String("outcome")].toString(), QStringLiteral("timeout"));
    }
};

QTEST_GUILESS_MAIN(TestNetem)
#include "tst_netem.moc"
