// Purge verification (issue 13): the rule's grammar and judgement on values, a profile's "verify"
// through BroadcastPlan, and against real Varnish caches: a purged object verifies as a MISS, and a
// cache that refused or ignored the purge, or is down, is not verified, with the evidence.
#include "broadcast/broadcastjson.h"
#include "broadcast/broadcastplan.h"
#include "heraldprocess.h"
#include "reservedport.h"
#include "scriptedserver.h"
#include "serveprocess.h"
#include "testbackend.h"
#include "varnishserver.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace herald;
using namespace herald::test;

namespace {

QJsonObject targetNamed(const QJsonObject &answer, const QString &url)
{
    for (const QJsonValue &target : answer.value(QLatin1String("targets")).toArray()) {
        if (target.toObject().value(QLatin1String("target")).toString() == url)
            return target.toObject();
    }
    return {};
}

QString evidenceHeader(const QJsonObject &target, const QString &name)
{
    const QJsonObject evidence = target.value(QLatin1String("verifyEvidence")).toObject();
    return evidence.value(QLatin1String("headers")).toObject().value(name).toString();
}

QProcessEnvironment serveEnvironment(const QStringList &targets)
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HERALD_TARGETS"), targets.join(QLatin1Char(',')));
    environment.insert(QStringLiteral("HERALD_LISTEN"), QStringLiteral("127.0.0.1:0"));
    return environment;
}

} // namespace

class TestVerify : public QObject
{
    Q_OBJECT

    TestBackend m_origin;
    VarnishServer m_purging;
    VarnishServer m_refusing;
    VarnishServer m_ignoring;
    QNetworkAccessManager m_client;

    // GET through a cache; returns its X-Cache header, or the error.
    QByteArray fetch(const VarnishServer &cache, const QByteArray &path)
    {
        QNetworkRequest request(QUrl::fromEncoded(cache.url().toUtf8() + path));
        request.setRawHeader("Host", "shop.example.com");
        std::unique_ptr<QNetworkReply> reply(m_client.get(request));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(10000);
        if (reply->error() != QNetworkReply::NoError)
            return "error: " + reply->errorString().toUtf8();
        return reply->rawHeader("X-Cache");
    }

    // Two GETs, so the object is in the cache and answered from it.
    void cache(const VarnishServer &cache, const QByteArray &path)
    {
        fetch(cache, path);
        QCOMPARE(fetch(cache, path), QByteArray("HIT"));
    }

    static HeraldProcess::Result send(const QByteArray &path, const QString &rule, const QStringList &targets,
                                      const QStringList &extra = {QStringLiteral("--json")})
    {
        return HeraldProcess::run(QStringList{QStringLiteral("send"), QStringLiteral("PURGE"), QString::fromUtf8(path),
                                              QStringLiteral("-H"), QStringLiteral("Host: shop.example.com"),
                                              QStringLiteral("--verify"), rule, QStringLiteral("--target"),
                                              targets.join(QLatin1Char(',')), QStringLiteral("--no-history")}
                                  + extra);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_client.setProxy(QNetworkProxy::NoProxy);
        if (!VarnishServer::isInstalled()) {
            if (qEnvironmentVariable("CI") == QLatin1String("true"))
                QFAIL("varnishd is not installed (deploy/install-deps.sh test installs it)");
            return; // the Varnish cases skip themselves; the value cases still run
        }
        QVERIFY(m_origin.listen());
        m_origin.setResponseHeaders({{"Cache-Control", "max-age=3600"}});
        m_refusing.setPurge(VarnishServer::Purge::Refused);
        m_ignoring.setPurge(VarnishServer::Purge::Ignored);
        QString error;
        QVERIFY2(m_purging.start(m_origin.port(), &error), qPrintable(error));
        QVERIFY2(m_refusing.start(m_origin.port(), &error), qPrintable(error));
        QVERIFY2(m_ignoring.start(m_origin.port(), &error), qPrintable(error));
    }

    void init()
    {
        static const QByteArrayList varnishCases = {"purgedObjectVerifiesAsMiss",  "notVerified",
                                                    "tableShowsVerifiedPerTarget", "bodyChanged",
                                                    "sendRefusesABadRule",         "serveHeader"};
        if (varnishCases.contains(QTest::currentTestFunction()) && !VarnishServer::isInstalled())
            QSKIP("varnishd is not installed");
    }

    void ruleParse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error"); // "" when valid; else a part of the message
        QTest::newRow("status") << "status=200"
                                << "";
        QTest::newRow("status class") << "status=2xx"
                                      << "";
        QTest::newRow("several, both separators") << "status=200, header:X-Cache=MISS; absent:Set-Cookie"
                                                  << "";
        QTest::newRow("present") << "header:X-Cache"
                                 << "";
        QTest::newRow("regex") << "header:X-Cache~^MISS"
                               << "";
        QTest::newRow("age=0") << "age=0"
                               << "";
        QTest::newRow("age<=N") << "age<=5"
                                << "";
        QTest::newRow("body-changed") << "Body-Changed"
                                      << "";
        QTest::newRow("unknown clause") << "cache=MISS"
                                        << "'cache=MISS': unknown clause";
        QTest::newRow("bad status") << "status=abc"
                                    << "'status=abc': 'abc' is not a status rule";
        QTest::newRow("no status") << "status="
                                   << "status= needs a status";
        QTest::newRow("no header name") << "header:=MISS"
                                        << "a header name is missing";
        QTest::newRow("bad header name") << "absent:X Cache"
                                         << "'X Cache' is not a header name";
        QTest::newRow("bad regex") << "header:X-Cache~("
                                   << "not a regular expression";
        QTest::newRow("empty regex") << "header:X-Cache~"
                                     << "the regular expression after ~ is empty";
        QTest::newRow("age other than 0") << "age=5"
                                          << "write age<=5";
        QTest::newRow("age not a number") << "age<=soon"
                                          << "not a whole number";
        QTest::newRow("second clause named") << "status=200,header"
                                             << "'header': unknown clause";
    }

    void ruleParse()
    {
        QFETCH(QString, text);
        QFETCH(QString, error);
        QString parseError;
        const VerifyRule rule = VerifyRule::parse(text, &parseError);
        if (error.isEmpty()) {
            QVERIFY2(parseError.isEmpty(), qPrintable(parseError));
            QVERIFY(!rule.isEmpty());
        } else {
            QVERIFY2(parseError.contains(error), qPrintable(parseError));
            QVERIFY2(parseError.contains(QLatin1String("a rule is clauses joined")), qPrintable(parseError));
            QVERIFY(rule.isEmpty());
        }
    }

    void ruleCheck_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArrayList>("headers"); // "Name: value" lines
        QTest::addColumn<bool>("bodyChanged");
        QTest::addColumn<QString>("failure"); // "" when verified
        QTest::addColumn<QByteArrayList>("evidence");
        const QByteArrayList miss = {"X-Cache: MISS", "Age: 0", "Server: v"};
        QTest::newRow("miss") << "header:X-Cache=MISS" << 200 << miss << false << "" << QByteArrayList{"X-Cache: MISS"};
        QTest::newRow("hit") << "header:x-cache=MISS" << 200 << QByteArrayList{"X-Cache: HIT", "Age: 12"} << false
                             << "header:x-cache=MISS: the value is 'HIT'" << QByteArrayList{"x-cache: HIT"};
        QTest::newRow("regex is a substring search") << "header:X-Cache~MISS" << 200 << QByteArrayList{"X-Cache: MISS from edge"}
                                                     << false << "" << QByteArrayList{"X-Cache: MISS from edge"};
        QTest::newRow("age absent") << "age=0" << 200 << QByteArrayList{"X-Cache: MISS"} << false << "" << QByteArrayList{};
        QTest::newRow("age 0") << "age=0" << 200 << miss << false << "" << QByteArrayList{"Age: 0"};
        QTest::newRow("age 12") << "age<=5" << 200 << QByteArrayList{"Age: 12"} << false << "age<=5: Age is '12'"
                                << QByteArrayList{"Age: 12"};
        QTest::newRow("absent but present") << "absent:Age" << 200 << miss << false << "absent:Age: the header is present, '0'"
                                            << QByteArrayList{"Age: 0"};
        QTest::newRow("status") << "status=2xx,header:X-Cache" << 404 << miss << false << "status=2xx: the status is 404"
                                << QByteArrayList{"X-Cache: MISS"};
        QTest::newRow("body changed") << "body-changed" << 200 << miss << true << "" << QByteArrayList{};
        QTest::newRow("body same") << "body-changed" << 200 << miss << false << "body-changed: the body is the same as before"
                                   << QByteArrayList{};
    }

    void ruleCheck()
    {
        QFETCH(QString, rule);
        QFETCH(int, status);
        QFETCH(QByteArrayList, headers);
        QFETCH(bool, bodyChanged);
        QFETCH(QString, failure);
        QFETCH(QByteArrayList, evidence);
        HttpHeaders answer;
        for (const QByteArray &line : headers) {
            HttpHeader header;
            QVERIFY(parseHeaderLine(line, &header));
            answer.append(header);
        }
        HttpHeaders seen;
        QString why;
        const bool verified =
            VerifyRule::parse(rule, nullptr).check(status, answer, "after", bodyChanged ? "before" : "after", &seen, &why);
        QCOMPARE(verified, failure.isEmpty());
        QCOMPARE(why, failure);
        QByteArrayList seenLines;
        for (const HttpHeader &header : seen)
            seenLines.append(header.first + ": " + header.second);
        QCOMPARE(seenLines, evidence);
    }

    void profileVerifyThroughPlan()
    {
        Profile profile;
        QString error;
        QVERIFY2(Profile::fromJson(QJsonDocument::fromJson(R"({"name": "p", "method": "PURGE", "path": "/x",
                                                              "verify": "header:X-Cache=MISS;age=0"})")
                                       .object(),
                                   &profile, &error),
                 qPrintable(error));
        QCOMPARE(profile.toJson().value(QLatin1String("verify")).toString(), QStringLiteral("header:X-Cache=MISS;age=0"));
        PlanInput input;
        input.profile = profile;
        input.defaultTargets = TargetSourceSpec{};
        BroadcastPlan plan;
        QVERIFY2(BroadcastPlan::make(input, &plan, &error), qPrintable(error));
        QCOMPARE(plan.options.verify.toString(), QStringLiteral("header:X-Cache=MISS;age=0"));
        // send's --verify replaces the profile's rule.
        input.verify = VerifyRule::parse(QStringLiteral("status=200"), nullptr);
        QVERIFY(BroadcastPlan::make(input, &plan, &error));
        QCOMPARE(plan.options.verify.toString(), QStringLiteral("status=200"));
        // A profile without the field asks for no check.
        input = PlanInput();
        input.defaultTargets = TargetSourceSpec{};
        QVERIFY(BroadcastPlan::make(input, &plan, &error));
        QVERIFY(plan.options.verify.isEmpty());
    }

    void profileVerifyErrors_data()
    {
        QTest::addColumn<QByteArray>("verify");
        QTest::addColumn<QString>("error");
        QTest::newRow("not a string") << QByteArray("200") << "field \"verify\": must be a string";
        QTest::newRow("empty") << QByteArray("\"\"") << "field \"verify\": must not be empty";
        QTest::newRow("bad clause") << QByteArray("\"header:X-Cache=MISS,fresh\"") << "field \"verify\": 'fresh': unknown clause";
    }

    void profileVerifyErrors()
    {
        QFETCH(QByteArray, verify);
        QFETCH(QString, error);
        Profile profile;
        QString problem;
        QVERIFY(!Profile::fromJson(QJsonDocument::fromJson(R"({"name": "p", "verify": )" + verify + "}").object(), &profile,
                                   &problem));
        QVERIFY2(problem.startsWith(error), qPrintable(problem));
    }

    // The listener's hand-written JSON and QJsonObject's must stay the same document.
    void jsonFormsAgree()
    {
        TargetResult verified;
        verified.target = Target::parse(QStringLiteral("http://a:1"), nullptr);
        verified.state = TargetState::Done;
        verified.outcome = TargetOutcome::Ok;
        verified.status = 200;
        verified.verify = {true, true, {}, 200, {{"X-Cache", "MISS"}, {"Age", "0"}}, "aa", "bb"};
        TargetResult failed = verified;
        failed.target = Target::parse(QStringLiteral("http://b:1"), nullptr);
        failed.verify = {true, false, QStringLiteral("header:X-Cache=MISS: the value is 'HIT'"), 200, {{"X-Cache", "HIT"}},
                         {},   {}};
        TargetResult down = failed;
        down.target = Target::parse(QStringLiteral("http://c:1"), nullptr);
        down.outcome = TargetOutcome::Refused;
        down.verify = {true, false, QStringLiteral("the broadcast failed (refused)"), 0, {}, {}, {}};
        BroadcastSummary summary;
        summary.total = 3;
        summary.verifyAsked = true;
        summary.verified = 1;
        const QList<TargetResult> results{verified, failed, down};
        const QByteArray compact = BroadcastJson::toCompactJson(summary, results);
        QCOMPARE(compact, QJsonDocument(BroadcastJson::toJson(summary, results)).toJson(QJsonDocument::Compact));
        const QJsonObject json = QJsonDocument::fromJson(compact).object();
        QCOMPARE(json.value(QLatin1String("verified")).toBool(true), false);
        QCOMPARE(evidenceHeader(targetNamed(json, QStringLiteral("http://a:1")), QStringLiteral("Age")), QStringLiteral("0"));
        const QJsonObject hit = targetNamed(json, QStringLiteral("http://b:1"));
        QCOMPARE(evidenceHeader(hit, QStringLiteral("X-Cache")), QStringLiteral("HIT"));
        const QJsonObject downTarget = targetNamed(json, QStringLiteral("http://c:1"));
        QCOMPARE(downTarget.value(QLatin1String("verified")).toBool(true), false);
        QCOMPARE(downTarget.value(QLatin1String("verifyError")).toString(), QStringLiteral("the broadcast failed (refused)"));
        QVERIFY(!downTarget.contains(QLatin1String("verifyEvidence")));
        // No rule, no keys: the answer without verification is unchanged.
        summary.verifyAsked = false;
        TargetResult plain = verified;
        plain.verify = {};
        const QByteArray without = BroadcastJson::toCompactJson(summary, {plain});
        QVERIFY2(!without.contains("verif"), without.constData());
    }

    void purgedObjectVerifiesAsMiss()
    {
        cache(m_purging, "/verify/miss");
        const auto result = send("/verify/miss", QStringLiteral("header:X-Cache=MISS,age=0,status=200"), {m_purging.url()});
        QVERIFY2(result.exitCode == 0, result.out + result.err);
        const QJsonObject answer = QJsonDocument::fromJson(result.out).object();
        QCOMPARE(answer.value(QLatin1String("verified")).toBool(), true);
        const QJsonObject target = targetNamed(answer, m_purging.url());
        QCOMPARE(target.value(QLatin1String("outcome")).toString(), QStringLiteral("ok"));
        QCOMPARE(target.value(QLatin1String("verified")).toBool(), true);
        QCOMPARE(target.value(QLatin1String("verifyEvidence")).toObject().value(QLatin1String("status")).toInt(), 200);
        QCOMPARE(evidenceHeader(target, QStringLiteral("X-Cache")), QStringLiteral("MISS"));
        // The check itself fetched the object again, so the cache holds it once more.
        QCOMPARE(fetch(m_purging, "/verify/miss"), QByteArray("HIT"));
    }

    void notVerified_data()
    {
        QTest::addColumn<QString>("cache"); // ignoring, refusing or down
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("outcome");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("xCache"); // in the evidence; "" for none
        QTest::newRow("purge ignored") << "ignoring" << 3 << "ok"
                                       << "header:X-Cache=MISS: the value is 'HIT'"
                                       << "HIT";
        QTest::newRow("purge refused") << "refusing" << 1 << "http-error"
                                       << "the broadcast failed (http-error)"
                                       << "";
        QTest::newRow("cache down") << "down" << 1 << "refused"
                                    << "the broadcast failed (refused)"
                                    << "";
    }

    void notVerified()
    {
        QFETCH(QString, cache);
        QFETCH(int, exitCode);
        QFETCH(QString, outcome);
        QFETCH(QString, error);
        QFETCH(QString, xCache);
        ReservedPort down;
        const QString url = cache == QLatin1String("ignoring")   ? m_ignoring.url()
                            : cache == QLatin1String("refusing") ? m_refusing.url()
                                                                 : QStringLiteral("http://127.0.0.1:%1").arg(down.port());
        if (cache != QLatin1String("down")) {
            this->cache(cache == QLatin1String("ignoring") ? m_ignoring : m_refusing, "/verify/not");
            if (QTest::currentTestFailed())
                return;
        }
        const auto result = send("/verify/not", QStringLiteral("header:X-Cache=MISS"), {url},
                                 {QStringLiteral("--json"), QStringLiteral("--retries"), QStringLiteral("0")});
        QVERIFY2(result.exitCode == exitCode, result.out + result.err);
        const QJsonObject answer = QJsonDocument::fromJson(result.out).object();
        QCOMPARE(answer.value(QLatin1String("verified")).toBool(true), false);
        const QJsonObject target = targetNamed(answer, url);
        QCOMPARE(target.value(QLatin1String("outcome")).toString(), outcome);
        QCOMPARE(target.value(QLatin1String("verified")).toBool(true), false);
        QCOMPARE(target.value(QLatin1String("verifyError")).toString(), error);
        QCOMPARE(target.contains(QLatin1String("verifyEvidence")), !xCache.isEmpty());
        QCOMPARE(evidenceHeader(target, QStringLiteral("X-Cache")), xCache);
    }

    // The table shows a verdict per target and the exit code says one failed.
    void tableShowsVerifiedPerTarget()
    {
        cache(m_purging, "/verify/table");
        cache(m_ignoring, "/verify/table");
        const auto result = send("/verify/table", QStringLiteral("header:X-Cache=MISS"), {m_purging.url(), m_ignoring.url()}, {});
        QVERIFY2(result.exitCode == 3, result.out + result.err);
        const QList<QByteArray> lines = result.out.split('\n');
        QVERIFY2(lines.at(0).endsWith("VERIFIED"), result.out);
        QVERIFY2(lines.at(1).startsWith(m_purging.url().toUtf8()), result.out);
        QVERIFY2(lines.at(1).endsWith("yes (200, X-Cache: MISS)"), result.out);
        QVERIFY2(lines.at(2).endsWith("no: header:X-Cache=MISS: the value is 'HIT' (200, X-Cache: HIT)"), result.out);
        QVERIFY2(lines.at(3).contains("2/2 ok, 1 verified") && lines.at(3).contains("policy all met"), result.out);
    }

    // body-changed compares a GET before the broadcast with the check after it.
    void bodyChanged()
    {
        m_origin.setResponseBody("version 1\n");
        cache(m_purging, "/verify/body");
        cache(m_ignoring, "/verify/body");
        m_origin.setResponseBody("version 2\n");
        const auto result = send("/verify/body", QStringLiteral("body-changed"), {m_purging.url(), m_ignoring.url()});
        m_origin.setResponseBody("ok\n");
        QVERIFY2(result.exitCode == 3, result.out + result.err);
        const QJsonObject answer = QJsonDocument::fromJson(result.out).object();
        const QJsonObject purged = targetNamed(answer, m_purging.url());
        QCOMPARE(purged.value(QLatin1String("verified")).toBool(), true);
        const QJsonObject evidence = purged.value(QLatin1String("verifyEvidence")).toObject();
        QCOMPARE(evidence.value(QLatin1String("bodySha256Before")).toString().size(), 64);
        QVERIFY(evidence.value(QLatin1String("bodySha256")) != evidence.value(QLatin1String("bodySha256Before")));
        const QJsonObject ignored = targetNamed(answer, m_ignoring.url());
        QCOMPARE(ignored.value(QLatin1String("verified")).toBool(true), false);
        QCOMPARE(ignored.value(QLatin1String("verifyError")).toString(),
                 QStringLiteral("body-changed: the body is the same as before"));
    }

    // A target that answers the purge and then never answers the check does not hang the caller.
    void silentCheckTimesOut()
    {
        ScriptedServer target;
        QVERIFY(target.listen());
        ScriptedReply silent;
        silent.silent = true;
        target.setReplies({{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}, silent});
        const QString url = QStringLiteral("http://127.0.0.1:%1").arg(target.port());
        const auto result = send("/verify/silent", QStringLiteral("status=200"), {url},
                                 {QStringLiteral("--json"), QStringLiteral("--timeout"), QStringLiteral("300ms")});
        QVERIFY2(result.exitCode == 3, result.out + result.err);
        const QJsonObject checked = targetNamed(QJsonDocument::fromJson(result.out).object(), url);
        QCOMPARE(checked.value(QLatin1String("outcome")).toString(), QStringLiteral("ok"));
        QVERIFY2(checked.value(QLatin1String("verifyError")).toString().startsWith(QLatin1String("the check got no answer: ")),
                 result.out);
        QCOMPARE(target.requests().size(), 2);
        QVERIFY(target.requests().at(1).startsWith("GET /verify/silent HTTP/1.1\r\n"));
    }

    void sendRefusesABadRule_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown") << "cached=no"
                                 << "herald send: --verify: 'cached=no': unknown clause";
        QTest::newRow("empty") << " , "
                               << "herald send: --verify: ' , ' is empty";
    }

    void sendRefusesABadRule()
    {
        QFETCH(QString, rule);
        QFETCH(QString, error);
        const auto result = send("/verify/bad", rule, {m_purging.url()});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.startsWith(error.toUtf8()), result.err);
    }

    // A profile's "verify" field through a face: herald send --profile, and the admin API's run.
    void profileVerifyThroughFaces()
    {
        QTemporaryDir profiles;
        QFile file(profiles.filePath(QStringLiteral("purge-page.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"name": "purge-page", "method": "PURGE", "path": "/verify/profile/{id}",
                       "headers": [["Host", "shop.example.com"]], "retries": 0, "verify": "header:X-Cache=MISS"})");
        file.close();
        cache(m_purging, "/verify/profile/1");
        cache(m_ignoring, "/verify/profile/1");
        const auto sent = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("--profile"), QStringLiteral("purge-page"),
                                              QStringLiteral("--profile-dir"), profiles.path(), QStringLiteral("--set"),
                                              QStringLiteral("id=1"), QStringLiteral("--target"), m_ignoring.url(),
                                              QStringLiteral("--json"), QStringLiteral("--no-history")});
        QVERIFY2(sent.exitCode == 3, sent.out + sent.err);
        QCOMPARE(evidenceHeader(targetNamed(QJsonDocument::fromJson(sent.out).object(), m_ignoring.url()),
                                QStringLiteral("X-Cache")),
                 QStringLiteral("HIT"));

        QProcessEnvironment environment = serveEnvironment({m_purging.url(), m_ignoring.url()});
        environment.insert(QStringLiteral("HERALD_ADMIN_TOKEN"), QStringLiteral("admin-token-0123456789abcdef"));
        environment.insert(QStringLiteral("HERALD_PROFILE_DIR"), profiles.path());
        ServeProcess serve;
        QVERIFY2(serve.start(environment), serve.errorOutput());
        const HttpReply run = serve.send("POST", "/_herald/profiles/purge-page/run?id=1",
                                         {{"Authorization", "Bearer admin-token-0123456789abcdef"}});
        QVERIFY2(run.status == 502, run.body + serve.errorOutput());
        const QJsonObject answer = QJsonDocument::fromJson(run.body).object();
        QCOMPARE(targetNamed(answer, m_purging.url()).value(QLatin1String("verified")).toBool(), true);
        QCOMPARE(targetNamed(answer, m_ignoring.url()).value(QLatin1String("verified")).toBool(true), false);
    }

    // serve: the header asks for the check, never reaches a backend, and a bad rule is a 400 naming it.
    void serveHeader()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        ServeProcess serve;
        QVERIFY2(serve.start(serveEnvironment({m_purging.url(), m_ignoring.url(), backend.url()})), serve.errorOutput());
        cache(m_purging, "/verify/serve?a=1");
        cache(m_ignoring, "/verify/serve?a=1");
        const HttpReply reply = serve.send("PURGE", "/verify/serve?a=1",
                                           {{"Host", "shop.example.com"}, {"X-Herald-Verify", "header:X-Cache=MISS"}});
        QVERIFY2(reply.status == 502, reply.body + serve.errorOutput());
        const QJsonObject answer = QJsonDocument::fromJson(reply.body).object();
        QCOMPARE(answer.value(QLatin1String("ok")).toBool(), true); // the policy is met; the check is not
        QCOMPARE(answer.value(QLatin1String("verified")).toBool(true), false);
        QCOMPARE(targetNamed(answer, m_purging.url()).value(QLatin1String("verified")).toBool(), true);
        QCOMPARE(evidenceHeader(targetNamed(answer, m_ignoring.url()), QStringLiteral("X-Cache")), QStringLiteral("HIT"));
        // The plain backend got the PURGE without the header, then the check: a GET of the same path and Host.
        QCOMPARE(backend.requestCount(), 2);
        const RecordedRequest purge = backend.requests().at(0);
        const RecordedRequest check = backend.requests().at(1);
        QCOMPARE(purge.method, QByteArray("PURGE"));
        QVERIFY(purge.header("X-Herald-Verify").isEmpty());
        QCOMPARE(check.method, QByteArray("GET"));
        QCOMPARE(check.target, QByteArray("/verify/serve?a=1"));
        QCOMPARE(check.header("Host"), QByteArray("shop.example.com"));
        QVERIFY(check.header("X-Herald-Verify").isEmpty());

        const HttpReply bad = serve.send("PURGE", "/verify/serve", {{"X-Herald-Verify", "header:X-Cache=MISS,fresh"}});
        QCOMPARE(bad.status, 400);
        QVERIFY2(bad.body.startsWith("X-Herald-Verify: 'fresh': unknown clause"), bad.body);
        const HttpReply async = serve.send("PURGE", "/verify/serve",
                                           {{"X-Herald-Verify", "status=200"}, {"X-Herald-Policy", "async"}});
        QCOMPARE(async.status, 400);
        QVERIFY2(async.body.startsWith("X-Herald-Verify: policy async answers before the checks"), async.body);
        QCOMPARE(backend.requestCount(), 2);
    }
};

QTEST_GUILESS_MAIN(TestVerify)
#include "tst_verify.moc"
