// BroadcastPlan on values: parameters, overrides, face defaults, precedence, Content-Type and the
// validation errors that name the field or parameter.
#include "broadcast/broadcastplan.h"

#include <QJsonDocument>
#include <QTest>

using namespace herald;

namespace {

Profile profileFrom(const QByteArray &text)
{
    Profile profile;
    QString error;
    QJsonParseError parseError;
    const QJsonObject json = QJsonDocument::fromJson(text, &parseError).object();
    if (parseError.error != QJsonParseError::NoError || !Profile::fromJson(json, &profile, &error))
        qFatal("test profile rejected: %s %s", qPrintable(parseError.errorString()), qPrintable(error));
    return profile;
}

QHash<QString, QString> valuesFrom(const QStringList &assignments)
{
    QHash<QString, QString> values;
    for (const QString &assignment : assignments) {
        const qsizetype equals = assignment.indexOf(QLatin1Char('='));
        values.insert(assignment.left(equals), assignment.mid(equals + 1));
    }
    return values;
}

TargetSourceSpec staticSpec(const QString &url)
{
    TargetSourceSpec spec;
    spec.targets = {Target::parse(url, nullptr)};
    return spec;
}

// Face defaults that differ from BroadcastOptions{}, so a test sees where a value came from.
BroadcastOptions faceDefaults()
{
    BroadcastOptions options;
    options.retry.maxRetries = 7;
    options.attemptTimeoutMs = 1234;
    options.deadlineMs = 4321;
    options.policy = OutcomePolicy::parse(QStringLiteral("any"), nullptr);
    options.retry.retryStatuses = StatusRule::parse(QStringLiteral("500"), nullptr);
    return options;
}

} // namespace

class TestBroadcastPlan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void options_data()
    {
        QTest::addColumn<QByteArray>("profile");
        QTest::addColumn<QStringList>("overrides"); // retries=N timeout=MS deadline=MS policy=P retryOn=R
        QTest::addColumn<bool>("reportEveryTarget");
        QTest::addColumn<int>("retries");
        QTest::addColumn<int>("timeoutMs");
        QTest::addColumn<int>("deadlineMs");
        QTest::addColumn<QString>("policy");
        QTest::addColumn<QString>("retryOn");
        const QByteArray bare = "{\"name\": \"p\"}";
        const QByteArray full =
            "{\"name\": \"p\", \"retries\": 3, \"timeout\": \"2s\", \"policy\": \"quorum=2\", \"retryOn\": \">=400\"}";
        QTest::newRow("face defaults") << bare << QStringList() << false << 7 << 1234 << 4321 << "any"
                                       << "500";
        QTest::newRow("profile over defaults") << full << QStringList() << false << 3 << 2000 << 4321 << "quorum=2"
                                               << ">=400";
        QTest::newRow("overrides over profile")
            << full << QStringList{"retries=0", "timeout=50", "deadline=60", "policy=all", "retryOn=none"} << false << 0 << 50
            << 60 << "all"
            << "none";
        QTest::newRow("one override") << full << QStringList{"retries=9"} << false << 9 << 2000 << 4321 << "quorum=2"
                                      << ">=400";
        QTest::newRow("async kept") << QByteArray("{\"name\": \"p\", \"policy\": \"async\"}") << QStringList() << false << 7
                                    << 1234 << 4321 << "async"
                                    << "500";
        QTest::newRow("admin: async reports all")
            << QByteArray("{\"name\": \"p\", \"policy\": \"async\"}") << QStringList() << true << 7 << 1234 << 4321 << "all"
            << "500";
        QTest::newRow("admin: first reports all")
            << QByteArray("{\"name\": \"p\", \"policy\": \"first\"}") << QStringList() << true << 7 << 1234 << 4321 << "all"
            << "500";
        QTest::newRow("admin: quorum kept") << full << QStringList() << true << 3 << 2000 << 4321 << "quorum=2"
                                            << ">=400";
    }
    void options()
    {
        QFETCH(QByteArray, profile);
        QFETCH(QStringList, overrides);
        QFETCH(bool, reportEveryTarget);
        PlanInput input;
        input.profile = profileFrom(profile);
        input.defaults = faceDefaults();
        input.runningTargets = true;
        input.reportEveryTarget = reportEveryTarget;
        const QHash<QString, QString> given = valuesFrom(overrides);
        if (given.contains(QStringLiteral("retries")))
            input.retries = given.value(QStringLiteral("retries")).toInt();
        if (given.contains(QStringLiteral("timeout")))
            input.timeoutMs = given.value(QStringLiteral("timeout")).toInt();
        if (given.contains(QStringLiteral("deadline")))
            input.deadlineMs = given.value(QStringLiteral("deadline")).toInt();
        if (given.contains(QStringLiteral("policy")))
            input.policy = OutcomePolicy::parse(given.value(QStringLiteral("policy")), nullptr);
        if (given.contains(QStringLiteral("retryOn")))
            input.retryOn = StatusRule::parse(given.value(QStringLiteral("retryOn")), nullptr);
        BroadcastPlan plan;
        QString error;
        QVERIFY2(BroadcastPlan::make(input, &plan, &error), qPrintable(error));
        QTEST(plan.options.retry.maxRetries, "retries");
        QTEST(plan.options.attemptTimeoutMs, "timeoutMs");
        QTEST(plan.options.deadlineMs, "deadlineMs");
        QTEST(plan.options.policy.toString(), "policy");
        QTEST(plan.options.retry.retryStatuses.toString(), "retryOn");
        QCOMPARE(plan.options.retry.baseDelayMs, input.defaults.retry.baseDelayMs); // the rest stays the face's
    }

    void targets_data()
    {
        QTest::addColumn<QByteArray>("targets"); // the profile's "targets" JSON, or empty
        QTest::addColumn<QString>("explicitUrl");
        QTest::addColumn<QString>("defaultUrl");
        QTest::addColumn<QString>("defaultError");
        QTest::addColumn<bool>("running");
        QTest::addColumn<bool>("staticOnly");
        QTest::addColumn<QString>("expected"); // the source described, "running", or "error: ..."
        const QByteArray profileStatic = "{\"static\": [\"http://10.0.0.1:81\"]}";
        const QByteArray profileDns = "{\"dns\": \"varnish.svc:6081\"}";
        const QString explicitUrl = QStringLiteral("http://10.0.0.2:82");
        const QString defaultUrl = QStringLiteral("http://10.0.0.3:83");
        QTest::newRow("explicit wins") << profileStatic << explicitUrl << defaultUrl << "" << true << false << "10.0.0.2:82";
        QTest::newRow("profile over default") << profileStatic << "" << defaultUrl << "" << true << false << "10.0.0.1:81";
        QTest::newRow("default") << QByteArray() << "" << defaultUrl << "" << true << false << "10.0.0.3:83";
        QTest::newRow("running") << QByteArray() << ""
                                 << ""
                                 << "" << true << false << "running";
        QTest::newRow("none") << QByteArray() << ""
                              << ""
                              << "" << false << false << "error: no targets: say where";
        QTest::newRow("default error when needed") << QByteArray() << ""
                                                   << ""
                                                   << "HERALD_TARGETS: bad" << false << false << "error: HERALD_TARGETS: bad";
        QTest::newRow("default error unused") << profileStatic << ""
                                              << ""
                                              << "HERALD_TARGETS: bad" << false << false << "10.0.0.1:81";
        QTest::newRow("dns profile") << profileDns << ""
                                     << ""
                                     << "" << true << false << "varnish.svc";
        QTest::newRow("admin: dns profile gives way") << profileDns << ""
                                                      << ""
                                                      << "" << true << true << "running";
        QTest::newRow("admin: static profile kept") << profileStatic << ""
                                                    << ""
                                                    << "" << true << true << "10.0.0.1:81";
    }
    void targets()
    {
        QFETCH(QByteArray, targets);
        QFETCH(QString, explicitUrl);
        QFETCH(QString, defaultUrl);
        QFETCH(QString, defaultError);
        QFETCH(bool, running);
        QFETCH(bool, staticOnly);
        QFETCH(QString, expected);
        PlanInput input;
        input.profile = profileFrom(targets.isEmpty() ? QByteArray("{\"name\": \"p\"}")
                                                      : "{\"name\": \"p\", \"targets\": " + targets + "}");
        if (!explicitUrl.isEmpty())
            input.targets = staticSpec(explicitUrl);
        if (!defaultUrl.isEmpty())
            input.defaultTargets = staticSpec(defaultUrl);
        input.defaultTargetsError = defaultError;
        input.runningTargets = running;
        input.staticProfileTargetsOnly = staticOnly;
        input.noTargetsHint = QStringLiteral("say where");
        BroadcastPlan plan;
        QString error;
        const bool ok = BroadcastPlan::make(input, &plan, &error);
        if (expected.startsWith(QLatin1String("error: "))) {
            QVERIFY(!ok);
            QCOMPARE(error, expected.mid(7));
            return;
        }
        QVERIFY2(ok, qPrintable(error));
        if (expected == QLatin1String("running")) {
            QVERIFY(!plan.hasSource);
            return;
        }
        QVERIFY(plan.hasSource);
        QString described = plan.source.describe();
        for (const Target &target : plan.source.targets)
            described += QLatin1Char(' ') + target.baseUrl.toString();
        QVERIFY2(described.contains(expected), qPrintable(described));
        QCOMPARE(plan.source.refreshIntervalMs, 0); // one broadcast, one resolution
    }

    void sourceOverridesApplyToTheChosenSource()
    {
        PlanInput input;
        input.profile = profileFrom("{\"name\": \"p\", \"targets\": {\"dns\": \"varnish.svc:6081\", \"refreshSeconds\": 10}}");
        input.nameserver = QHostAddress(QStringLiteral("127.0.0.53"));
        input.scheme = QStringLiteral("https");
        BroadcastPlan plan;
        QString error;
        QVERIFY2(BroadcastPlan::make(input, &plan, &error), qPrintable(error));
        QCOMPARE(plan.source.kind, TargetSourceSpec::Kind::Dns);
        QCOMPARE(plan.source.nameserver, QHostAddress(QStringLiteral("127.0.0.53")));
        QCOMPARE(plan.source.scheme, QStringLiteral("https"));
        QCOMPARE(plan.source.refreshIntervalMs, 0);
    }

    void request_data()
    {
        QTest::addColumn<QByteArray>("profile");
        QTest::addColumn<bool>("literal");
        QTest::addColumn<QStringList>("values");
        QTest::addColumn<QStringList>("headers"); // overrides, "Name: value"
        QTest::addColumn<QString>("body");        // override; "-" for none
        QTest::addColumn<QString>("target");      // method and path, or "error: " and the error's start
        QTest::addColumn<QStringList>("expectedHeaders");
        QTest::addColumn<QString>("expectedBody");
        const QByteArray ban = "{\"name\": \"ban\", \"method\": \"BAN\", \"path\": \"/\", \"headers\": [[\"Host\", \"shop\"],"
                               " [\"X-Ban-Url\", \"^{prefix}\"]], \"parameters\": {\"prefix\": {\"pattern\": \"/.*\"}}}";
        const QByteArray post =
            "{\"name\": \"hook\", \"method\": \"POST\", \"path\": \"/hook/{id}\", \"body\": \"{\\\"id\\\": \\\"{id}\\\"}\"}";
        QTest::newRow("filled") << ban << false << QStringList{"prefix=/p/"} << QStringList() << "-"
                                << "BAN /" << QStringList{"Host: shop", "X-Ban-Url: ^/p/"} << "";
        QTest::newRow("empty refused") << ban << false << QStringList{"prefix="} << QStringList() << "-"
                                       << "error: parameter \"prefix\": the value is empty; a value is required" << QStringList()
                                       << "";
        QTest::newRow("missing refused") << ban << false << QStringList() << QStringList() << "-"
                                         << "error: parameter \"prefix\": a value is required" << QStringList() << "";
        QTest::newRow("pattern refused") << ban << false << QStringList{"prefix=p"} << QStringList() << "-"
                                         << "error: parameter \"prefix\": 'p' does not match the pattern /.*" << QStringList()
                                         << "";
        QTest::newRow("CR LF in a header refused")
            << QByteArray("{\"name\": \"t\", \"headers\": [[\"X-Tag\", \"{tag}\"]]}") << false
            << QStringList{"tag=a\r\nX-Evil: 1"} << QStringList() << "-"
            << "error: parameter \"tag\": the value would put CR, LF or another control character into header X-Tag"
            << QStringList() << "";
        QTest::newRow("header override replaces")
            << ban << false << QStringList{"prefix=/p"} << QStringList{"host: other", "X-New: 1"} << "-"
            << "BAN /" << QStringList{"X-Ban-Url: ^/p", "host: other", "X-New: 1"} << "";
        QTest::newRow("body gets a Content-Type")
            << post << false << QStringList{"id=7"} << QStringList() << "-"
            << "POST /hook/7" << QStringList{"Content-Type: application/octet-stream"} << "{\"id\": \"7\"}";
        QTest::newRow("Content-Type kept") << post << false << QStringList{"id=7"}
                                           << QStringList{"Content-Type: application/json"} << "-"
                                           << "POST /hook/7" << QStringList{"Content-Type: application/json"} << "{\"id\": \"7\"}";
        QTest::newRow("body override") << post << false << QStringList{"id=7"} << QStringList() << "raw"
                                       << "POST /hook/7" << QStringList{"Content-Type: application/octet-stream"} << "raw";
        QTest::newRow("no body, no Content-Type") << ban << false << QStringList{"prefix=/"} << QStringList() << ""
                                                  << "BAN /" << QStringList{"Host: shop", "X-Ban-Url: ^/"} << "";
        QTest::newRow("literal keeps braces") << QByteArray("{\"name\": \"x\", \"method\": \"GET\", \"path\": \"/a/{b}\"}")
                                              << true << QStringList() << QStringList() << "-"
                                              << "GET /a/{b}" << QStringList() << "";
        QTest::newRow("literal bad path") << QByteArray("{\"name\": \"x\", \"method\": \"GET\", \"path\": \"/a\"}") << true
                                          << QStringList() << QStringList{"X: a\nb"} << "-"
                                          << "error: header 'X' has CR, LF or NUL in its value" << QStringList() << "";
    }
    void request()
    {
        QFETCH(QByteArray, profile);
        QFETCH(bool, literal);
        QFETCH(QStringList, values);
        QFETCH(QStringList, headers);
        QFETCH(QString, body);
        QFETCH(QString, target);
        QFETCH(QStringList, expectedHeaders);
        QFETCH(QString, expectedBody);
        PlanInput input;
        input.profile = profileFrom(profile);
        input.literal = literal;
        input.values = valuesFrom(values);
        for (const QString &line : headers) {
            const qsizetype colon = line.indexOf(QLatin1Char(':'));
            input.headers.append({line.left(colon).toUtf8(), line.mid(colon + 2).toUtf8()});
        }
        if (body != QLatin1String("-"))
            input.body = body.toUtf8();
        input.runningTargets = true;
        BroadcastPlan plan;
        plan.request.method = "UNTOUCHED";
        QString error;
        const bool ok = BroadcastPlan::make(input, &plan, &error);
        if (target.startsWith(QLatin1String("error: "))) {
            QVERIFY(!ok);
            QVERIFY2(error.startsWith(target.mid(7)), qPrintable(error));
            QCOMPARE(plan.request.method, QByteArray("UNTOUCHED"));
            return;
        }
        QVERIFY2(ok, qPrintable(error));
        QCOMPARE(QString::fromLatin1(plan.request.method + ' ' + plan.request.pathAndQuery), target);
        QStringList got;
        for (const HttpHeader &header : plan.request.headers)
            got.append(QString::fromUtf8(header.first + ": " + header.second));
        QCOMPARE(got, expectedHeaders);
        QCOMPARE(plan.request.body, expectedBody.toUtf8());
        QCOMPARE(plan.profileName, literal ? QString() : input.profile.name);
    }
};

QTEST_GUILESS_MAIN(TestBroadcastPlan)
#include "tst_broadcastplan.moc"
