// The same profile files through every face's real entry code: `herald send --profile`, the admin
// API's profile run in a real `herald serve`, and the window's profile panel and Send button. The
// backends must receive the same requests and the same attempts, and a parameter the profile does
// not allow to be missing or empty must be refused by all three with a message naming it.
#include "backendpool.h"
#include "broadcast/broadcaster.h"
#include "heraldprocess.h"
#include "mainwindow.h"
#include "profilepanel.h"
#include "serveprocess.h"
#include "store/profile.h"
#include "store/profilestore.h"
#include "testbackend.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace herald;
using herald::test::HeraldProcess;
using herald::test::HttpReply;
using herald::test::ServeProcess;

namespace {

const QByteArray adminToken = "faces-admin-token-0123456789";

struct Outcome
{
    bool refused = false;
    QString message; // what the face said when it refused
};

QHash<QString, QString> valuesFrom(const QStringList &assignments)
{
    QHash<QString, QString> values;
    for (const QString &assignment : assignments) {
        const qsizetype equals = assignment.indexOf(QLatin1Char('='));
        values.insert(assignment.left(equals), assignment.mid(equals + 1));
    }
    return values;
}

} // namespace

class TestProfileFaces : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    herald::test::BackendPool m_backends;

    QString profileDir() const { return m_dir.filePath(QStringLiteral("profiles")); }

    // Two fresh backends (the second answers 503) and the profile written with them as its targets.
    void prepare(const QByteArray &profileJson)
    {
        m_backends.clear();
        const QStringList urls = m_backends.start(2);
        m_backends.at(1).setStatuses({503});
        QJsonParseError parseError;
        QJsonObject json = QJsonDocument::fromJson(profileJson, &parseError).object();
        QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
        json.insert(QLatin1String("name"), QStringLiteral("faces"));
        json.insert(QLatin1String("targets"), QJsonObject{{QLatin1String("static"), QJsonArray::fromStringList(urls)}});
        Profile profile;
        QString error;
        QVERIFY2(Profile::fromJson(json, &profile, &error), qPrintable(error));
        QVERIFY2(ProfileStore(profileDir()).save(profile, &error), qPrintable(error));
    }

    // What each backend received: every attempt's method and target, the profile's headers, the
    // Content-Type and the body. Headers a transport adds on its own are left out.
    QStringList received() const
    {
        Profile profile;
        ProfileStore(profileDir()).load(QStringLiteral("faces"), &profile, nullptr);
        QByteArrayList names = {"Content-Type"};
        for (const HttpHeader &header : profile.headers)
            names.append(header.first);
        QStringList lines;
        for (int i = 0; i < m_backends.count(); ++i) {
            for (const test::RecordedRequest &request : const_cast<TestProfileFaces *>(this)->m_backends.at(i).requests()) {
                lines.append(
                    QStringLiteral("%1: %2 %3").arg(i).arg(QString::fromLatin1(request.method), QString::fromUtf8(request.target)));
                for (const QByteArray &name : names)
                    lines.append(QStringLiteral("  %1: %2").arg(QString::fromLatin1(name), QString::fromUtf8(request.header(name))));
                lines.append(QStringLiteral("  body: ") + QString::fromUtf8(request.body));
            }
        }
        return lines;
    }

    Outcome throughSend(const QStringList &values)
    {
        QStringList arguments = {QStringLiteral("send"), QStringLiteral("--profile"),
                                 ProfileStore(profileDir()).pathFor(QStringLiteral("faces")), QStringLiteral("--no-history")};
        for (const QString &value : values)
            arguments << QStringLiteral("--set") << value;
        const HeraldProcess::Result result = HeraldProcess::run(arguments);
        if (result.exitCode == 2)
            return {true, QString::fromUtf8(result.err)};
        if (result.exitCode != 0 && result.exitCode != 1)
            qWarning("herald send exited %d: %s", result.exitCode, result.err.constData());
        return {};
    }

    Outcome throughAdminApi(const QStringList &values)
    {
        ServeProcess serve;
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("HERALD_TARGETS"), QStringLiteral("http://127.0.0.1:9"));
        environment.insert(QStringLiteral("HERALD_ADMIN_TOKEN"), QString::fromLatin1(adminToken));
        environment.insert(QStringLiteral("HERALD_PROFILE_DIR"), profileDir());
        if (!serve.start(environment))
            return {true, QStringLiteral("herald serve did not start: ") + QString::fromUtf8(serve.errorOutput())};
        QByteArrayList query;
        for (const QString &value : values) {
            const qsizetype equals = value.indexOf(QLatin1Char('='));
            query.append(QUrl::toPercentEncoding(value.left(equals)) + '=' + QUrl::toPercentEncoding(value.mid(equals + 1)));
        }
        const QByteArray path = "/_herald/profiles/faces/run" + (query.isEmpty() ? QByteArray() : '?' + query.join('&'));
        const HttpReply reply = serve.send("POST", path, {{"Authorization", "Bearer " + adminToken}});
        if (reply.status == 400)
            return {true, QString::fromUtf8(reply.body)};
        if (reply.status != 200 && reply.status != 502)
            qWarning("admin run answered %d: %s", reply.status, reply.body.constData());
        return {};
    }

    Outcome throughWindow(const QStringList &values)
    {
        Broadcaster broadcaster;
        MainWindow window(&broadcaster, profileDir(), m_dir.filePath(QStringLiteral("history.sqlite")));
        window.setConfirmationThreshold(-1);
        window.show();
        if (!QTest::qWaitForWindowExposed(&window))
            return {true, QStringLiteral("window not exposed")};
        window.findChild<ProfilePanel *>()->select(QStringLiteral("faces"));
        const QHash<QString, QString> given = valuesFrom(values);
        for (auto it = given.cbegin(); it != given.cend(); ++it) {
            auto *edit = window.findChild<QLineEdit *>(QStringLiteral("param_") + it.key());
            if (edit)
                edit->setText(it.value());
        }
        QSignalSpy finished(&window, &MainWindow::broadcastFinished);
        auto *send = window.findChild<QPushButton *>(QStringLiteral("sendButton"));
        // The window refuses before the click: Send is disabled and its tooltip (like the field) says why.
        if (!send->isEnabled())
            return {true, send->toolTip()};
        QTest::mouseClick(send, Qt::LeftButton);
        const QString message = window.statusBar()->currentMessage();
        if (message.startsWith(QLatin1String("Cannot send")))
            return {true, message};
        if (!finished.wait(20000))
            return {true, QStringLiteral("no broadcast finished; status: ") + window.statusBar()->currentMessage()};
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("herald-test"));
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir().mkpath(profileDir()));
    }
    void cleanup() { m_backends.clear(); }

    void sameProfileSameRequestsEverywhere_data()
    {
        QTest::addColumn<QByteArray>("profile");
        QTest::addColumn<QStringList>("values");
        QTest::addColumn<QString>("refusedParameter"); // empty: every face must send
        QTest::addColumn<int>("attempts");             // at the backend that answers 503
        const QByteArray purge = "{\"method\": \"PURGE\", \"path\": \"/product/{id}?lang={lang}\","
                                 "\"headers\": [[\"Host\", \"shop.example.com\"], [\"X-Id\", \"{id}\"]],"
                                 "\"body\": \"{\\\"id\\\": \\\"{id}\\\"}\","
                                 "\"retries\": 2,"
                                 "\"timeout\": \"2s\", \"policy\": \"any\", \"retryOn\": \"503\","
                                 "\"parameters\": {\"id\": {\"pattern\": \"[0-9]+\"}, \"lang\": {\"default\": \"en\"}}}";
        const QByteArray hook = "{\"method\": \"POST\", \"path\": \"/hook\","
                                "\"headers\": [[\"Content-Type\", \"application/json\"]],"
                                "\"body\": \"{\\\"event\\\": \\\"{event}\\\"}\","
                                "\"retries\": 3,"
                                "\"timeout\": \"1500ms\", \"policy\": \"all\", \"retryOn\": \"none\"}";
        const QByteArray ban = "{\"method\": \"BAN\", \"path\": \"/\","
                               "\"headers\": [[\"Host\", \"shop.example.com\"], [\"X-Ban-Url\", \"^{prefix}{suffix}\"]],"
                               "\"retries\": 1,"
                               "\"timeout\": \"1s\", \"policy\": \"quorum=50%\", \"retryOn\": \"5xx\","
                               "\"parameters\": {\"prefix\": {\"pattern\": \"^/[^ ]*$\"}, \"suffix\": {\"allowEmpty\": true}}}";
        QTest::newRow("retries, retryOn, default, body") << purge << QStringList{"id=42"} << "" << 3;
        QTest::newRow("default overridden") << purge << QStringList{"id=7", "lang=de"} << "" << 3;
        QTest::newRow("default for an empty value") << purge << QStringList{"id=7", "lang="} << "" << 3;
        QTest::newRow("retryOn none") << hook << QStringList{"event=deploy"} << "" << 1;
        QTest::newRow("allowEmpty accepted") << ban << QStringList{"prefix=/product/", "suffix="} << "" << 2;
        QTest::newRow("allowEmpty filled") << ban << QStringList{"prefix=/product/", "suffix=42"} << "" << 2;
        QTest::newRow("required empty refused") << ban << QStringList{"prefix=", "suffix=x"} << "prefix" << 0;
        QTest::newRow("required missing refused") << ban << QStringList{"suffix=x"} << "prefix" << 0;
        QTest::newRow("pattern refused") << purge << QStringList{"id=abc"} << "id" << 0;
        QTest::newRow("undeclared empty refused") << hook << QStringList{"event="} << "event" << 0;
        QTest::newRow("undeclared missing refused") << hook << QStringList() << "event" << 0;
    }
    void sameProfileSameRequestsEverywhere()
    {
        QFETCH(QByteArray, profile);
        QFETCH(QStringList, values);
        QFETCH(QString, refusedParameter);
        QFETCH(int, attempts);
        const QString named = QStringLiteral("parameter \"%1\"").arg(refusedParameter);
        QStringList first;
        const QList<QPair<const char *, Outcome (TestProfileFaces::*)(const QStringList &)>> faces =
            {{"herald send", &TestProfileFaces::throughSend},
             {"admin API", &TestProfileFaces::throughAdminApi},
             {"window", &TestProfileFaces::throughWindow}};
        for (const auto &face : faces) {
            prepare(profile);
            const Outcome outcome = (this->*face.second)(values);
            const QStringList got = received();
            if (!refusedParameter.isEmpty()) {
                QVERIFY2(outcome.refused, face.first);
                QVERIFY2(outcome.message.contains(named),
                         qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(face.first), outcome.message)));
                QVERIFY2(got.isEmpty(), face.first);
                continue;
            }
            QVERIFY2(!outcome.refused, qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(face.first), outcome.message)));
            QVERIFY2(!got.isEmpty(), face.first);
            QVERIFY2(m_backends.at(1).requestCount() == attempts, face.first); // retries and retryOn as the profile says
            if (first.isEmpty())
                first = got;
            else
                QCOMPARE(got, first);
        }
    }

    // Saved the way the window saves it (retryOn and declarations included), sent by `herald send`.
    void savedFromTheWindowSendsTheSame()
    {
        prepare("{\"method\": \"BAN\", \"path\": \"/\", \"headers\": [[\"X-Ban-Url\", \"^{prefix}\"]],"
                "\"retries\": 2, \"timeout\": \"1s\", \"policy\": \"any\", \"retryOn\": \"503\","
                "\"parameters\": {\"prefix\": {\"default\": \"/all/\"}}}");
        {
            Broadcaster broadcaster;
            MainWindow window(&broadcaster, profileDir(), m_dir.filePath(QStringLiteral("history.sqlite")));
            auto *panel = window.findChild<ProfilePanel *>();
            panel->select(QStringLiteral("faces"));
            Q_EMIT panel->saveRequested(QStringLiteral("resaved")); // what "New" does after asking the name
        }
        Profile saved;
        QString error;
        QVERIFY2(ProfileStore(profileDir()).load(QStringLiteral("resaved"), &saved, &error), qPrintable(error));
        QCOMPARE(saved.retryOn, QStringLiteral("503"));
        QCOMPARE(saved.declaredParameters.size(), 1);
        QCOMPARE(saved.declaredParameters.first().defaultValue, QStringLiteral("/all/"));
        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("--profile-dir"), profileDir(),
                                                QStringLiteral("--profile"), QStringLiteral("resaved"),
                                                QStringLiteral("--no-history")});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        QCOMPARE(m_backends.at(0).requests().first().header("X-Ban-Url"), QByteArray("^/all/"));
        QCOMPARE(m_backends.at(1).requestCount(), 3); // 503 retried twice: retryOn survived the save
    }
};

QTEST_MAIN(TestProfileFaces)
#include "tst_profilefaces.moc"
