// Profiles: durations, validation that names the field, parameters and filling, JSON round-trip,
// and the file store (atomic writes, import/export, errors that name the file).
#include "util/duration.h"
#include "store/profile.h"
#include "store/profilestore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace herald;

namespace {

QJsonObject json(const QByteArray &text)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        qFatal("bad JSON in the test itself: %s in %s", qPrintable(parseError.errorString()), text.constData());
    return document.object();
}

Profile parse(const QByteArray &text)
{
    Profile profile;
    QString error;
    if (!Profile::fromJson(json(text), &profile, &error))
        qFatal("test profile rejected: %s", qPrintable(error));
    return profile;
}

Profile purgeProduct()
{
    return parse("{\"name\": \"purge-product\", \"description\": \"one product\", \"method\": \"PURGE\","
                 " \"path\": \"/product/{id}?lang={lang}\", \"headers\": [[\"Host\", \"{site}.example.com\"], [\"X-Id\", \"{id}\"]],"
                 " \"body\": \"{\\\"id\\\": \\\"{id}\\\", \\\"o\\\": {\\\"k\\\": 1}}\","
                 " \"targets\": {\"static\": [\"http://127.0.0.1:6081\", \"http://127.0.0.1:6082\"]}, \"retries\": 3,"
                 " \"timeout\": \"2s\", \"policy\": \"quorum=2\", \"retryOn\": \">=400\"}");
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

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(file.errorString()));
    QCOMPARE(file.write(content), content.size());
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

QStringList entries(const QString &directory)
{
    return QDir(directory).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

} // namespace

class TestProfile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseDurationAccepts_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("ms");
        QTest::newRow("ms") << "250ms" << 250;
        QTest::newRow("s") << "2s" << 2000;
        QTest::newRow("fraction") << "1.5s" << 1500;
        QTest::newRow("leading dot") << ".5s" << 500;
        QTest::newRow("minute") << "1m" << 60000;
        QTest::newRow("hour") << "1h" << 3600000;
        QTest::newRow("plain seconds") << "3" << 3000;
        QTest::newRow("plain fraction") << "0.25" << 250;
        QTest::newRow("zero") << "0" << 0;
        QTest::newRow("zero ms") << "0ms" << 0;
        QTest::newRow("spaces") << " 5 s " << 5000;
        QTest::newRow("rounds to ms") << "1.0004s" << 1000;
        QTest::newRow("a day") << "86400s" << 86400000;
        // Go's time.ParseDuration forms, as the seeds' READMEs write them (TIMEOUT=1m30s).
        QTest::newRow("go compound") << "1m30s" << 90000;
        QTest::newRow("go three parts") << "1h2m3.5s" << 3723500;
        QTest::newRow("go ms and s") << "1s500ms" << 1500;
        QTest::newRow("go us under a ms") << "300us" << 1;
        QTest::newRow("go micro sign") << QString::fromUtf8("1500\u00b5s") << 2;
        QTest::newRow("go greek mu") << QString::fromUtf8("2000\u03bcs") << 2;
        QTest::newRow("go ns") << "1500000ns" << 2;
        QTest::newRow("go us exact") << "2000us" << 2;
        QTest::newRow("go trailing dot") << "1.s" << 1000;
        QTest::newRow("under a ms") << "0.1ms" << 1;
    }
    void parseDurationAccepts()
    {
        QFETCH(QString, text);
        QFETCH(int, ms);
        int parsed = -7;
        QString error;
        QVERIFY2(parseDuration(text, &parsed, &error), qPrintable(error));
        QCOMPARE(parsed, ms);
    }

    void parseDurationRejects_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << ""
                               << "empty duration";
        QTest::newRow("blank") << "   "
                               << "empty duration";
        QTest::newRow("negative") << "-1s"
                                  << "'-1s' is negative";
        QTest::newRow("negative zero") << "-0"
                                       << "is negative";
        QTest::newRow("garbage") << "soon"
                                 << "'soon' is not a duration";
        QTest::newRow("unit only") << "ms"
                                   << "'ms' is not a duration";
        QTest::newRow("two dots") << "1.5.2s"
                                  << "is not a duration";
        QTest::newRow("word unit") << "2 sec"
                                   << "is not a duration";
        QTest::newRow("upper case") << "2S"
                                    << "is not a duration";
        QTest::newRow("exponent") << "1e3"
                                  << "is not a duration";
        QTest::newRow("comma") << "1,5s"
                               << "is not a duration";
        QTest::newRow("negative compound") << "-1m30s"
                                           << "is negative";
        QTest::newRow("unit first") << "s1"
                                    << "is not a duration";
        QTest::newRow("compound tail") << "1m30"
                                       << "is not a duration";
        QTest::newRow("compound junk") << "1m x"
                                       << "is not a duration";
        QTest::newRow("compound over a day") << "23h61m"
                                             << "longer than a day";
        QTest::newRow("arabic digit") << QString(QChar(0x0663)) + QLatin1Char('s') << "is not a duration";
        QTest::newRow("over a day") << "25h"
                                    << "longer than a day";
        QTest::newRow("huge") << "99999999999999999999"
                              << "longer than a day";
    }
    void parseDurationRejects()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        int parsed = -7;
        QString error;
        QVERIFY(!parseDuration(text, &parsed, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
        QCOMPARE(parsed, -7);                            // untouched on error
        QVERIFY(!parseDuration(text, &parsed, nullptr)); // a null error pointer is allowed
    }

    void formatDuration_data()
    {
        QTest::addColumn<int>("ms");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << 0 << "0s";
        QTest::newRow("ms") << 250 << "250ms";
        QTest::newRow("not whole seconds") << 1500 << "1500ms";
        QTest::newRow("seconds") << 2000 << "2s";
        QTest::newRow("not whole minutes") << 90000 << "90s";
        QTest::newRow("minute") << 60000 << "1m";
        QTest::newRow("hour") << 3600000 << "60m";
    }
    void formatDuration()
    {
        QFETCH(int, ms);
        QFETCH(QString, text);
        QCOMPARE(herald::formatDuration(ms), text);
        int again = -1;
        QVERIFY(parseDuration(text, &again, nullptr));
        QCOMPARE(again, ms);
    }

    void validation_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("problem");
        const QByteArray longName(101, 'a');
        QTest::newRow("name missing") << QByteArray("{}") << "name"
                                      << "is required";
        QTest::newRow("name slash") << QByteArray("{\"name\": \"a/b\"}") << "name"
                                    << "'a/b' is not a profile name";
        QTest::newRow("name dot dot") << QByteArray("{\"name\": \"..\"}") << "name"
                                      << "not a profile name";
        QTest::newRow("name space") << QByteArray("{\"name\": \"a b\"}") << "name"
                                    << "not a profile name";
        QTest::newRow("name empty") << QByteArray("{\"name\": \"\"}") << "name"
                                    << "not a profile name";
        QTest::newRow("name too long") << "{\"name\": \"" + longName + "\"}"
                                       << "name"
                                       << "not a profile name";
        QTest::newRow("name number") << QByteArray("{\"name\": 5}") << "name"
                                     << "must be a string";
        QTest::newRow("description number") << QByteArray("{\"name\": \"a\", \"description\": 5}") << "description"
                                            << "must be a string";
        QTest::newRow("method space") << QByteArray("{\"name\": \"a\", \"method\": \"GE T\"}") << "method"
                                      << "'GE T' is not an HTTP method";
        QTest::newRow("method empty") << QByteArray("{\"name\": \"a\", \"method\": \"\"}") << "method"
                                      << "is not an HTTP method";
        QTest::newRow("method number") << QByteArray("{\"name\": \"a\", \"method\": 5}") << "method"
                                       << "must be a string";
        QTest::newRow("path relative") << QByteArray("{\"name\": \"a\", \"path\": \"nope\"}") << "path"
                                       << "must start with /";
        QTest::newRow("path space") << QByteArray("{\"name\": \"a\", \"path\": \"/a b\"}") << "path"
                                    << "spaces or control";
        QTest::newRow("path CRLF") << QByteArray("{\"name\": \"a\", \"path\": \"/a\\r\\nX: y\"}") << "path"
                                   << "control characters";
        QTest::newRow("path fragment") << QByteArray("{\"name\": \"a\", \"path\": \"/a#b\"}") << "path"
                                       << "'#'";
        QTest::newRow("path array") << QByteArray("{\"name\": \"a\", \"path\": []}") << "path"
                                    << "must be a string";
        QTest::newRow("headers object") << QByteArray("{\"name\": \"a\", \"headers\": {\"X\": \"y\"}}") << "headers"
                                        << "must be an array";
        QTest::newRow("header single") << QByteArray("{\"name\": \"a\", \"headers\": [[\"X\"]]}") << "headers"
                                       << "entry 1: must be";
        QTest::newRow("header string") << QByteArray("{\"name\": \"a\", \"headers\": [\"X: y\"]}") << "headers"
                                       << "entry 1: must be";
        QTest::newRow("header value number") << QByteArray("{\"name\": \"a\", \"headers\": [[\"X\", 5]]}") << "headers"
                                             << "two strings";
        QTest::newRow("header name") << QByteArray("{\"name\": \"a\", \"headers\": [[\"X Y\", \"v\"]]}") << "headers"
                                     << "'X Y' is not a header name";
        QTest::newRow("header CRLF") << QByteArray("{\"name\": \"a\", \"headers\": [[\"A\", \"b\"], [\"X\", \"a\\r\\nb\"]]}")
                                     << "headers"
                                     << "entry 2: the value of X must not contain CR, LF";
        QTest::newRow("header NUL") << QByteArray("{\"name\": \"a\", \"headers\": [[\"X\", \"a\\u0000b\"]]}") << "headers"
                                    << "control characters";
        QTest::newRow("body number") << QByteArray("{\"name\": \"a\", \"body\": 5}") << "body"
                                     << "must be a string";
        QTest::newRow("body and base64") << QByteArray("{\"name\": \"a\", \"body\": \"x\", \"bodyBase64\": \"eA==\"}") << "body"
                                         << "not both";
        QTest::newRow("bad base64") << QByteArray("{\"name\": \"a\", \"bodyBase64\": \"!!\"}") << "bodyBase64"
                                    << "not valid base64";
        QTest::newRow("base64 number") << QByteArray("{\"name\": \"a\", \"bodyBase64\": 5}") << "bodyBase64"
                                       << "must be a string";
        QTest::newRow("targets string") << QByteArray("{\"name\": \"a\", \"targets\": \"http://x\"}") << "targets"
                                        << "must be an object";
        QTest::newRow("targets bad dns") << QByteArray("{\"name\": \"a\", \"targets\": {\"dns\": \"nope\"}}") << "targets"
                                         << "\"dns\"";
        QTest::newRow("targets two kinds") << QByteArray("{\"name\": \"a\", \"targets\": {\"dns\": \"a:1\", \"srv\": \"b\"}}")
                                           << "targets"
                                           << "exactly one";
        QTest::newRow("targets bad url") << QByteArray("{\"name\": \"a\", \"targets\": {\"static\": [\"ftp://x\"]}}") << "targets"
                                         << "scheme";
        QTest::newRow("retries negative") << QByteArray("{\"name\": \"a\", \"retries\": -2}") << "retries"
                                          << "must be a whole number >= 0";
        QTest::newRow("retries fraction") << QByteArray("{\"name\": \"a\", \"retries\": 1.5}") << "retries"
                                          << "must be a whole number >= 0";
        QTest::newRow("retries text") << QByteArray("{\"name\": \"a\", \"retries\": \"3\"}") << "retries"
                                      << "must be a whole number >= 0";
        QTest::newRow("retries huge") << QByteArray("{\"name\": \"a\", \"retries\": 1000}") << "retries"
                                      << "at most 100";
        QTest::newRow("timeout word") << QByteArray("{\"name\": \"a\", \"timeout\": \"later\"}") << "timeout"
                                      << "'later' is not a duration";
        QTest::newRow("timeout zero") << QByteArray("{\"name\": \"a\", \"timeout\": \"0s\"}") << "timeout"
                                      << "more than 0";
        QTest::newRow("timeout negative") << QByteArray("{\"name\": \"a\", \"timeout\": -1}") << "timeout"
                                          << "negative";
        QTest::newRow("timeout too long") << QByteArray("{\"name\": \"a\", \"timeout\": \"2d\"}") << "timeout"
                                          << "not a duration";
        QTest::newRow("timeout bool") << QByteArray("{\"name\": \"a\", \"timeout\": true}") << "timeout"
                                      << "must be a duration";
        QTest::newRow("policy word") << QByteArray("{\"name\": \"a\", \"policy\": \"most\"}") << "policy"
                                     << "'most' is not a policy";
        QTest::newRow("policy quorum") << QByteArray("{\"name\": \"a\", \"policy\": \"quorum=0\"}") << "policy"
                                       << "quorum takes";
        QTest::newRow("policy number") << QByteArray("{\"name\": \"a\", \"policy\": 5}") << "policy"
                                       << "must be a string";
        QTest::newRow("retryOn class") << QByteArray("{\"name\": \"a\", \"retryOn\": \"7xx\"}") << "retryOn"
                                       << "not a status rule";
        QTest::newRow("retryOn empty") << QByteArray("{\"name\": \"a\", \"retryOn\": \"\"}") << "retryOn"
                                       << "\"none\"";
        QTest::newRow("unknown field") << QByteArray("{\"name\": \"a\", \"retires\": 2}") << "retires"
                                       << "unknown field (known: name,";
        const QByteArray withPrefix = "{\"name\": \"a\", \"path\": \"/{prefix}\", \"parameters\": ";
        QTest::newRow("parameters array") << withPrefix + "[\"prefix\"]}"
                                          << "parameters"
                                          << "must be an object of";
        QTest::newRow("parameter string") << withPrefix + "{\"prefix\": \"required\"}}"
                                          << "parameters"
                                          << "parameter \"prefix\": must be an object";
        QTest::newRow("parameter unknown key")
            << withPrefix + "{\"prefix\": {\"requird\": true}}}"
            << "parameters"
            << "parameter \"prefix\": unknown key \"requird\" (known: description, pattern, default, allowEmpty)";
        QTest::newRow("parameter bad pattern") << withPrefix + "{\"prefix\": {\"pattern\": \"^(/\"}}}"
                                               << "parameters"
                                               << "parameter \"prefix\": \"pattern\" '^(/' is not a regular expression";
        QTest::newRow("parameter pattern number") << withPrefix + "{\"prefix\": {\"pattern\": 5}}}"
                                                  << "parameters"
                                                  << "\"pattern\" must be a string";
        QTest::newRow("parameter default number") << withPrefix + "{\"prefix\": {\"default\": 5}}}"
                                                  << "parameters"
                                                  << "\"default\" must be a string";
        QTest::newRow("parameter allowEmpty text") << withPrefix + "{\"prefix\": {\"allowEmpty\": \"yes\"}}}"
                                                   << "parameters"
                                                   << "\"allowEmpty\" must be true or false";
        QTest::newRow("parameter default off pattern") << withPrefix + "{\"prefix\": {\"pattern\": \"/.*\", \"default\": \"x\"}}}"
                                                       << "parameters"
                                                       << "parameter \"prefix\": the default 'x' does not match the pattern /.*";
        QTest::newRow("parameter not used") << withPrefix + "{\"prefx\": {}}}"
                                            << "parameters"
                                            << "parameter \"prefx\" is not used in the path, a header value or the body (used: prefix)";
    }
    void validation()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, field);
        QFETCH(QString, problem);
        Profile profile;
        profile.name = QStringLiteral("sentinel");
        QString error;
        QVERIFY(!Profile::fromJson(json(text), &profile, &error));
        const QString prefix = QStringLiteral("field \"%1\": ").arg(field);
        QVERIFY2(error.startsWith(prefix), qPrintable(error));
        QVERIFY2(error.contains(problem), qPrintable(error));
        QCOMPARE(profile.name, QStringLiteral("sentinel")); // untouched on error
    }

    void validationMessageIsExact()
    {
        Profile profile;
        QString error;
        QVERIFY(!Profile::fromJson(json("{\"name\": \"a\", \"retries\": -1}"), &profile, &error));
        QCOMPARE(error, QStringLiteral("field \"retries\": must be a whole number >= 0"));
    }

    void everyFieldIsRead()
    {
        const Profile profile = purgeProduct();
        QCOMPARE(profile.name, QStringLiteral("purge-product"));
        QCOMPARE(profile.description, QStringLiteral("one product"));
        QCOMPARE(profile.method, QByteArray("PURGE"));
        QCOMPARE(profile.path, QStringLiteral("/product/{id}?lang={lang}"));
        QCOMPARE(profile.headers.size(), 2);
        QCOMPARE(profile.headers.at(0), HttpHeader("Host", "{site}.example.com"));
        QCOMPARE(profile.body, QByteArray("{\"id\": \"{id}\", \"o\": {\"k\": 1}}"));
        QVERIFY(profile.hasTargets);
        QCOMPARE(profile.targets.kind, TargetSourceSpec::Kind::Static);
        QCOMPARE(profile.targets.targets.size(), 2);
        QCOMPARE(profile.targets.targets.at(1).baseUrl.port(), 6082);
        QCOMPARE(profile.retries, 3);
        QCOMPARE(profile.timeoutMs, 2000);
        QCOMPARE(profile.policy, QStringLiteral("quorum=2"));
        QCOMPARE(profile.retryOn, QStringLiteral(">=400"));
    }

    void defaultsWhenOmitted()
    {
        const Profile profile = parse("{\"name\": \"bare\"}");
        QCOMPARE(profile.method, QByteArray("GET"));
        QCOMPARE(profile.path, QStringLiteral("/"));
        QVERIFY(profile.headers.isEmpty());
        QVERIFY(profile.body.isEmpty());
        QVERIFY(!profile.hasTargets);
        QCOMPARE(profile.retries, -1);
        QCOMPARE(profile.timeoutMs, -1);
        QVERIFY(profile.policy.isEmpty());
        QVERIFY(profile.retryOn.isEmpty());
    }

    void timeoutForms_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("ms");
        QTest::newRow("ms") << QByteArray("\"500ms\"") << 500;
        QTest::newRow("minutes") << QByteArray("\"1m\"") << 60000;
        QTest::newRow("seconds number") << QByteArray("2") << 2000;
        QTest::newRow("fraction number") << QByteArray("1.5") << 1500;
        QTest::newRow("seconds text") << QByteArray("\"3\"") << 3000;
    }
    void timeoutForms()
    {
        QFETCH(QByteArray, value);
        QFETCH(int, ms);
        QCOMPARE(parse("{\"name\": \"t\", \"timeout\": " + value + "}").timeoutMs, ms);
    }

    void parameters_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("header");
        QTest::addColumn<QString>("body");
        QTest::addColumn<QStringList>("names");
        QTest::newRow("none") << "/a/b"
                              << "x"
                              << "y" << QStringList();
        QTest::newRow("order of first appearance") << "/{b}/{a}/{b}"
                                                   << "{c}-{a}"
                                                   << "{d}{b}" << QStringList{"b", "a", "c", "d"};
        QTest::newRow("query") << "/s?q={q}&n={n}"
                               << ""
                               << "" << QStringList{"q", "n"};
        QTest::newRow("name characters") << "/{_x}/{a-b}/{a1}"
                                         << ""
                                         << "" << QStringList{"_x", "a-b", "a1"};
        QTest::newRow("not names") << "/{1a}/{a b}/{}/{-a}/{a"
                                   << "{ x }"
                                   << "" << QStringList();
        QTest::newRow("escaped brace") << "/{{id}/{id}"
                                       << "{{h}"
                                       << "{{{b}" << QStringList{"id", "b"};
        QTest::newRow("json body") << "/"
                                   << ""
                                   << "{\"id\": \"{id}\", \"o\": {\"k\": {\"v\": 1}}}" << QStringList{"id"};
    }
    void parameters()
    {
        QFETCH(QString, path);
        QFETCH(QString, header);
        QFETCH(QString, body);
        QFETCH(QStringList, names);
        Profile profile;
        profile.path = path;
        profile.headers = {{"X-Test", header.toUtf8()}};
        profile.body = body.toUtf8();
        QCOMPARE(profile.parameters(), names);
    }

    void fill_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("header");
        QTest::addColumn<QString>("body");
        QTest::addColumn<QStringList>("values");
        QTest::addColumn<QString>("filledPath");
        QTest::addColumn<QString>("filledHeader");
        QTest::addColumn<QString>("filledBody");
        QTest::addColumn<QString>("error"); // empty: must succeed
        QTest::newRow("path is percent-encoded") << "/p/{id}"
                                                 << ""
                                                 << "" << QStringList{"id=42/x y"} << "/p/42%2Fx%20y"
                                                 << ""
                                                 << ""
                                                 << "";
        QTest::newRow("unreserved kept") << "/p/{id}"
                                         << ""
                                         << "" << QStringList{"id=a-b_c.d~E9"} << "/p/a-b_c.d~E9"
                                         << ""
                                         << ""
                                         << "";
        QTest::newRow("query value encoded") << "/s?q={q}"
                                             << ""
                                             << "" << QStringList{"q=a&b=c+d?"} << "/s?q=a%26b%3Dc%2Bd%3F"
                                             << ""
                                             << ""
                                             << "";
        QTest::newRow("utf-8 encoded") << "/p/{id}"
                                       << ""
                                       << "" << QStringList{QString::fromUtf8("id=caf\xc3\xa9")} << "/p/caf%C3%A9"
                                       << ""
                                       << ""
                                       << "";
        QTest::newRow("percent encoded") << "/p/{id}"
                                         << ""
                                         << "" << QStringList{"id=%2e%2e"} << "/p/%252e%252e"
                                         << ""
                                         << ""
                                         << "";
        QTest::newRow("CR LF in path encoded") << "/p/{id}"
                                               << ""
                                               << "" << QStringList{"id=a\r\nb"} << "/p/a%0D%0Ab"
                                               << ""
                                               << ""
                                               << "";
        QTest::newRow("escaped brace") << "/p/{{id}/{id}"
                                       << "{{x}"
                                       << "{{{id}}" << QStringList{"id=7"} << "/p/{id}/7"
                                       << "{x}"
                                       << "{7}"
                                       << "";
        QTest::newRow("header and body as-is") << "/"
                                               << "{site}.example.com"
                                               << "a={v}&b=2" << QStringList{"site=a b/c", "v=x&y"} << "/"
                                               << "a b/c.example.com"
                                               << "a=x&y&b=2"
                                               << "";
        QTest::newRow("json body untouched braces")
            << "/"
            << ""
            << "{\"id\": \"{id}\", \"o\": {\"k\": {\"v\": 1}}}" << QStringList{"id=9"} << "/"
            << ""
            << "{\"id\": \"9\", \"o\": {\"k\": {\"v\": 1}}}"
            << "";
        QTest::newRow("CR LF in body kept") << "/"
                                            << ""
                                            << "{b}" << QStringList{"b=x\r\ny"} << "/"
                                            << ""
                                            << "x\r\ny"
                                            << "";
        QTest::newRow("empty value") << "/p/{id}"
                                     << ""
                                     << "" << QStringList{"id="} << ""
                                     << ""
                                     << ""
                                     << "parameter \"id\": the value is empty; a value is required";
        QTest::newRow("dots inside a segment") << "/p/{id}"
                                               << ""
                                               << "" << QStringList{"id=..x"} << "/p/..x"
                                               << ""
                                               << ""
                                               << "";
        QTest::newRow("template dot segment") << "/p/./{id}"
                                              << ""
                                              << "" << QStringList{"id=1"} << "/p/./1"
                                              << ""
                                              << ""
                                              << "";
        QTest::newRow("missing") << "/p/{id}"
                                 << "{site}"
                                 << "" << QStringList{"id=1"} << ""
                                 << ""
                                 << ""
                                 << "parameter \"site\": a value is required";
        QTest::newRow("first missing named") << "/p/{id}"
                                             << "{site}"
                                             << "" << QStringList() << ""
                                             << ""
                                             << ""
                                             << "parameter \"id\": a value is required";
        QTest::newRow("unknown") << "/p/{id}"
                                 << ""
                                 << "" << QStringList{"id=1", "extra=2"} << ""
                                 << ""
                                 << ""
                                 << "has no parameter {extra} (it has: {id})";
        QTest::newRow("unknown without parameters") << "/p"
                                                    << ""
                                                    << "" << QStringList{"id=1"} << ""
                                                    << ""
                                                    << ""
                                                    << "has no parameter {id} (it has: none)";
        QTest::newRow("CR LF in header")
            << "/"
            << "v={tag}"
            << "" << QStringList{"tag=a\r\nX-Evil: 1"} << ""
            << ""
            << ""
            << "parameter \"tag\": the value would put CR, LF or another control character into header X-Test";
        QTest::newRow("LF in header") << "/"
                                      << "{tag}"
                                      << "" << QStringList{"tag=a\nb"} << ""
                                      << ""
                                      << ""
                                      << "into header X-Test";
        QTest::newRow("NUL in header") << "/"
                                       << "{tag}"
                                       << "" << QStringList{QStringLiteral("tag=a") + QChar(0) + QStringLiteral("b")} << ""
                                       << ""
                                       << ""
                                       << "into header X-Test";
        QTest::newRow("dot dot segment") << "/p/{id}"
                                         << ""
                                         << "" << QStringList{"id=.."} << ""
                                         << ""
                                         << ""
                                         << "'..' segment";
        QTest::newRow("dot segment") << "/p/{id}/x"
                                     << ""
                                     << "" << QStringList{"id=."} << ""
                                     << ""
                                     << ""
                                     << "'.' segment";
        QTest::newRow("dots from two values") << "/p/{a}{b}"
                                              << ""
                                              << "" << QStringList{"a=.", "b=."} << ""
                                              << ""
                                              << ""
                                              << "'..' segment";
    }
    void fill()
    {
        QFETCH(QString, path);
        QFETCH(QString, header);
        QFETCH(QString, body);
        QFETCH(QStringList, values);
        QFETCH(QString, filledPath);
        QFETCH(QString, filledHeader);
        QFETCH(QString, filledBody);
        QFETCH(QString, error);
        Profile profile;
        profile.name = QStringLiteral("p");
        profile.path = path;
        profile.headers = {{"X-Test", header.toUtf8()}};
        profile.body = body.toUtf8();
        Profile filled;
        filled.path = QStringLiteral("/untouched");
        QString message;
        const bool ok = profile.fill(valuesFrom(values), &filled, &message);
        if (error.isEmpty()) {
            QVERIFY2(ok, qPrintable(message));
            QCOMPARE(filled.path, filledPath);
            QCOMPARE(filled.headers.at(0).second, filledHeader.toUtf8());
            QCOMPARE(filled.body, filledBody.toUtf8());
            QCOMPARE(filled.name, profile.name);
        } else {
            QVERIFY(!ok);
            QVERIFY2(message.contains(error), qPrintable(message));
            QCOMPARE(filled.path, QStringLiteral("/untouched"));
        }
    }

    void fillKeepsEverythingElse()
    {
        const Profile profile = purgeProduct();
        Profile filled;
        QString error;
        QVERIFY2(profile.fill(valuesFrom({"id=42", "lang=en", "site=shop"}), &filled, &error), qPrintable(error));
        QCOMPARE(filled.path, QStringLiteral("/product/42?lang=en"));
        QCOMPARE(headerValue(filled.headers, "Host"), QByteArray("shop.example.com"));
        QCOMPARE(headerValue(filled.headers, "X-Id"), QByteArray("42"));
        QCOMPARE(filled.body, QByteArray("{\"id\": \"42\", \"o\": {\"k\": 1}}"));
        QCOMPARE(filled.method, QByteArray("PURGE"));
        QCOMPARE(filled.targets.targets, profile.targets.targets);
        QCOMPARE(filled.retries, 3);
        QCOMPARE(filled.timeoutMs, 2000);
        QCOMPARE(filled.policy, QStringLiteral("quorum=2"));
        QCOMPARE(filled.retryOn, QStringLiteral(">=400"));
        QCOMPARE(profile.path, QStringLiteral("/product/{id}?lang={lang}")); // the template is unchanged
    }

    void declaredParameters_data()
    {
        QTest::addColumn<QByteArray>("declarations");
        QTest::addColumn<QStringList>("values");
        QTest::addColumn<QString>("filledPath");
        QTest::addColumn<QString>("error"); // empty: must succeed
        const QByteArray prefix = "{\"prefix\": {\"pattern\": \"/[^ ]*\", \"description\": \"what to ban\"}}";
        const QByteArray lang = "{\"lang\": {\"default\": \"en\"}}";
        const QByteArray suffix = "{\"suffix\": {\"allowEmpty\": true}}";
        QTest::newRow("undeclared missing") << QByteArray("{}") << QStringList{"lang=fr", "suffix=x"} << ""
                                            << "parameter \"prefix\": a value is required";
        QTest::newRow("undeclared empty") << QByteArray("{}") << QStringList{"prefix=", "lang=fr", "suffix=x"} << ""
                                          << "parameter \"prefix\": the value is empty; a value is required";
        QTest::newRow("required missing") << prefix << QStringList{"lang=fr", "suffix=x"} << ""
                                          << "parameter \"prefix\": a value is required";
        QTest::newRow("required empty") << prefix << QStringList{"prefix=", "lang=fr", "suffix=x"} << ""
                                        << "parameter \"prefix\": the value is empty";
        QTest::newRow("pattern matches") << prefix << QStringList{"prefix=/a/b", "lang=fr", "suffix=x"} << "%2Fa%2Fb/fr/x"
                                         << "";
        QTest::newRow("pattern is anchored") << prefix << QStringList{"prefix=x/a", "lang=fr", "suffix=x"} << ""
                                             << "parameter \"prefix\": 'x/a' does not match the pattern /[^ ]*";
        QTest::newRow("pattern whole value") << prefix << QStringList{"prefix=/a b", "lang=fr", "suffix=x"} << ""
                                             << "does not match the pattern";
        QTest::newRow("default when missing") << lang << QStringList{"prefix=p", "suffix=x"} << "p/en/x"
                                              << "";
        QTest::newRow("default when empty") << lang << QStringList{"prefix=p", "lang=", "suffix=x"} << "p/en/x"
                                            << "";
        QTest::newRow("default overridden") << lang << QStringList{"prefix=p", "lang=de", "suffix=x"} << "p/de/x"
                                            << "";
        QTest::newRow("allowEmpty empty") << suffix << QStringList{"prefix=p", "lang=fr", "suffix="} << "p/fr/"
                                          << "";
        QTest::newRow("allowEmpty missing") << suffix << QStringList{"prefix=p", "lang=fr"} << "p/fr/"
                                            << "";
        QTest::newRow("allowEmpty filled") << suffix << QStringList{"prefix=p", "lang=fr", "suffix=s"} << "p/fr/s"
                                           << "";
        QTest::newRow("others stay required") << suffix << QStringList{"prefix=p", "suffix="} << ""
                                              << "parameter \"lang\": a value is required";
    }
    void declaredParameters()
    {
        QFETCH(QByteArray, declarations);
        QFETCH(QStringList, values);
        QFETCH(QString, filledPath);
        QFETCH(QString, error);
        const Profile profile = parse("{\"name\": \"d\", \"path\": \"/{prefix}/{lang}/{suffix}\", \"parameters\": " + declarations
                                      + "}");
        Profile filled;
        QString message;
        const bool ok = profile.fill(valuesFrom(values), &filled, &message);
        if (error.isEmpty()) {
            QVERIFY2(ok, qPrintable(message));
            QCOMPARE(filled.path, QLatin1Char('/') + filledPath);
        } else {
            QVERIFY(!ok);
            QVERIFY2(message.contains(error), qPrintable(message));
        }
    }

    void declarationsAreRead()
    {
        const Profile profile = parse("{\"name\": \"d\", \"path\": \"/{a}/{b}\", \"parameters\": {\"a\": {\"pattern\": \"[0-9]+\","
                                      " \"description\": \"an id\", \"default\": \"1\"}, \"b\": {\"allowEmpty\": true}}}");
        QCOMPARE(profile.declaredParameters.size(), 2);
        const ProfileParameter &a = profile.declaredParameters.at(0);
        QCOMPARE(a.name, QStringLiteral("a"));
        QCOMPARE(a.pattern, QStringLiteral("[0-9]+"));
        QCOMPARE(a.description, QStringLiteral("an id"));
        QVERIFY(a.hasDefault);
        QCOMPARE(a.defaultValue, QStringLiteral("1"));
        QVERIFY(!a.allowEmpty);
        QCOMPARE(profile.declaredParameters.at(1).name, QStringLiteral("b"));
        QVERIFY(profile.declaredParameters.at(1).allowEmpty);
        QVERIFY(!profile.declaredParameters.at(1).hasDefault);
    }

    void binaryBodyIsNotATemplate()
    {
        Profile profile;
        profile.name = QStringLiteral("bin");
        profile.path = QStringLiteral("/upload/{id}");
        profile.body = QByteArray("\xff{x}\x00{{", 6);
        QCOMPARE(profile.parameters(), QStringList{QStringLiteral("id")});
        Profile filled;
        QString error;
        QVERIFY2(profile.fill(valuesFrom({"id=1"}), &filled, &error), qPrintable(error));
        QCOMPARE(filled.body, profile.body);
        QCOMPARE(filled.path, QStringLiteral("/upload/1"));
    }

    void jsonRoundTrip_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("full") << QJsonDocument(purgeProduct().toJson()).toJson();
        QTest::newRow("minimal") << QByteArray("{\"name\": \"m\"}");
        QTest::newRow("binary body") << QByteArray("{\"name\": \"b\", \"method\": \"POST\", \"bodyBase64\": \"/wABAg==\"}");
        QTest::newRow("dns targets") << QByteArray(
            "{\"name\": \"d\", \"targets\": {\"dns\": \"varnish.svc:6081\", \"refreshSeconds\": 10,"
            " \"nameserver\": \"127.0.0.77\", \"scheme\": \"https\", \"pathPrefix\": \"/api\"}}");
        QTest::newRow("srv targets") << QByteArray("{\"name\": \"s\", \"targets\": {\"srv\": \"_http._tcp.web.svc\"}}");
        QTest::newRow("unicode") << QByteArray(
            "{\"name\": \"u\", \"description\": \"caf\xc3\xa9 \\u2603\", \"body\": \"\xe2\x82\xac {x}\","
            " \"headers\": [[\"X-Note\", \"\xc3\xa9t\xc3\xa9\"], [\"x-note\", \"again\"]]}");
        QTest::newRow("parameters") << QByteArray(
            "{\"name\": \"p\", \"path\": \"/{a}\", \"headers\": [[\"X\", \"{b}{c}\"]], \"parameters\":"
            " {\"a\": {\"pattern\": \"^/.*$\", \"description\": \"d\"}, \"b\": {\"default\": \"\"},"
            " \"c\": {\"allowEmpty\": true}}}");
        QTest::newRow("sub-second timeout") << QByteArray(
            "{\"name\": \"t\", \"timeout\": \"1500ms\", \"retries\": 0, \"retryOn\": \"none\"}");
    }
    void jsonRoundTrip()
    {
        QFETCH(QByteArray, text);
        const Profile profile = parse(text);
        const QJsonObject written = profile.toJson();
        Profile again;
        QString error;
        QVERIFY2(Profile::fromJson(written, &again, &error), qPrintable(error));
        QCOMPARE(again.toJson(), written);
        QCOMPARE(again.name, profile.name);
        QCOMPARE(again.method, profile.method);
        QCOMPARE(again.path, profile.path);
        QCOMPARE(again.headers, profile.headers);
        QCOMPARE(again.body, profile.body);
        QCOMPARE(again.hasTargets, profile.hasTargets);
        QCOMPARE(again.targets.kind, profile.targets.kind);
        QCOMPARE(again.targets.targets, profile.targets.targets);
        QCOMPARE(again.targets.name, profile.targets.name);
        QCOMPARE(again.targets.port, profile.targets.port);
        QCOMPARE(again.targets.refreshIntervalMs, profile.targets.refreshIntervalMs);
        QCOMPARE(again.targets.nameserver, profile.targets.nameserver);
        QCOMPARE(again.retries, profile.retries);
        QCOMPARE(again.timeoutMs, profile.timeoutMs);
        QCOMPARE(again.policy, profile.policy);
        QCOMPARE(again.retryOn, profile.retryOn);
        QCOMPARE(again.declaredParameters.size(), profile.declaredParameters.size());
        for (qsizetype i = 0; i < profile.declaredParameters.size(); ++i)
            QCOMPARE(again.declaredParameters.at(i).toJson(), profile.declaredParameters.at(i).toJson());
    }

    void binaryBodyIsWrittenAsBase64()
    {
        Profile profile;
        profile.name = QStringLiteral("b");
        profile.body = QByteArray("\xff\x00\x01", 3);
        const QJsonObject written = profile.toJson();
        QVERIFY(!written.contains(QLatin1String("body")));
        QCOMPARE(written.value(QLatin1String("bodyBase64")).toString(), QStringLiteral("/wAB"));
        profile.body = "text";
        QCOMPARE(profile.toJson().value(QLatin1String("body")).toString(), QStringLiteral("text"));
    }

    void storeSaveLoadList()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        ProfileStore store(dir.filePath(QStringLiteral("nested/profiles"))); // created on first save
        QVERIFY(store.names().isEmpty());
        QString error;
        Profile profile = purgeProduct();
        for (const char *name : {"zeta", "alpha", "Mid.v2", "_under"}) {
            profile.name = QString::fromLatin1(name);
            QVERIFY2(store.save(profile, &error), qPrintable(error));
        }
        QCOMPARE(store.names(), (QStringList{"Mid.v2", "_under", "alpha", "zeta"}));
        QCOMPARE(store.pathFor(QStringLiteral("alpha")), dir.filePath(QStringLiteral("nested/profiles/alpha.json")));

        Profile loaded;
        QVERIFY2(store.load(QStringLiteral("alpha"), &loaded, &error), qPrintable(error));
        profile.name = QStringLiteral("alpha");
        QCOMPARE(loaded.toJson(), profile.toJson());

        // Readable: the name first, one field per line, valid JSON that matches toJson().
        const QByteArray content = readFile(store.pathFor(QStringLiteral("alpha")));
        QVERIFY2(content.startsWith(
                     "{\n    \"name\": \"alpha\",\n    \"description\": \"one product\",\n    \"method\": \"PURGE\",\n"),
                 content.constData());
        QVERIFY2(content.contains("\n    \"retries\": 3,\n"), content.constData());
        QCOMPARE(QJsonDocument::fromJson(content).object(), profile.toJson());

        // Non-ASCII text and a binary body survive the file.
        Profile unusual;
        unusual.name = QStringLiteral("unusual");
        unusual.description = QString::fromUtf8("caf\xc3\xa9 \xe2\x98\x83 \"quoted\" \\ back");
        unusual.headers = {{"X-Note", QByteArray("\xc3\xa9t\xc3\xa9")}};
        unusual.body = QByteArray("\x00\xff\xfe{id}", 6);
        QVERIFY2(store.save(unusual, &error), qPrintable(error));
        QVERIFY2(store.load(QStringLiteral("unusual"), &loaded, &error), qPrintable(error));
        QCOMPARE(loaded.description, unusual.description);
        QCOMPARE(loaded.headers, unusual.headers);
        QCOMPARE(loaded.body, unusual.body);

        QVERIFY(!store.load(QStringLiteral("missing"), &loaded, &error));
        QVERIFY2(error.contains(QLatin1String("no profile 'missing'")), qPrintable(error));
        QVERIFY(!store.load(QStringLiteral("../profiles/alpha"), &loaded, &error));
        QVERIFY2(error.contains(QLatin1String("not a profile name")), qPrintable(error));
    }

    void storeSaveRejectsWhatItCouldNotLoad()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.path());
        Profile profile;
        QString error;
        profile.name = QStringLiteral("../escape");
        QVERIFY(!store.save(profile, &error));
        QVERIFY2(error.contains(QLatin1String("not a profile name")), qPrintable(error));
        profile.name = QStringLiteral("zero");
        profile.timeoutMs = 0;
        QVERIFY(!store.save(profile, &error));
        QVERIFY2(error.contains(QLatin1String("field \"timeout\"")), qPrintable(error));
        profile.timeoutMs = -1;
        profile.method = "BAD METHOD";
        QVERIFY(!store.save(profile, &error));
        QVERIFY2(error.contains(QLatin1String("field \"method\"")), qPrintable(error));
        QCOMPARE(entries(dir.path()), QStringList());
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("../escape.json"))));
    }

    void storeFileNameWins()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.path());
        writeFile(store.pathFor(QStringLiteral("copied")), "{\"name\": \"original\", \"method\": \"BAN\"}");
        writeFile(store.pathFor(QStringLiteral("odd")), "{\"name\": \"not/valid\", \"method\": \"PURGE\"}");
        writeFile(store.pathFor(QStringLiteral("anonymous")), "{\"path\": \"/x\"}");
        Profile loaded;
        QString error;
        QVERIFY2(store.load(QStringLiteral("copied"), &loaded, &error), qPrintable(error));
        QCOMPARE(loaded.name, QStringLiteral("copied"));
        QCOMPARE(loaded.method, QByteArray("BAN"));
        QVERIFY2(store.load(QStringLiteral("odd"), &loaded, &error), qPrintable(error));
        QCOMPARE(loaded.name, QStringLiteral("odd"));
        QVERIFY2(store.load(QStringLiteral("anonymous"), &loaded, &error), qPrintable(error));
        QCOMPARE(loaded.name, QStringLiteral("anonymous"));
        // Outside the store a file keeps its own name; without one it takes the file name.
        QVERIFY2(ProfileStore::loadFile(store.pathFor(QStringLiteral("copied")), &loaded, &error), qPrintable(error));
        QCOMPARE(loaded.name, QStringLiteral("original"));
        QVERIFY2(ProfileStore::loadFile(store.pathFor(QStringLiteral("anonymous")), &loaded, &error), qPrintable(error));
        QCOMPARE(loaded.name, QStringLiteral("anonymous"));
    }

    void storeRenameAndRemove()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.path());
        QString error;
        Profile profile = purgeProduct();
        QVERIFY2(store.save(profile, &error), qPrintable(error));
        profile.name = QStringLiteral("other");
        profile.method = "BAN";
        QVERIFY2(store.save(profile, &error), qPrintable(error));

        QVERIFY2(store.rename(QStringLiteral("purge-product"), QStringLiteral("purge"), &error), qPrintable(error));
        QCOMPARE(store.names(), (QStringList{"other", "purge"}));
        Profile loaded;
        QVERIFY(store.load(QStringLiteral("purge"), &loaded, &error));
        QCOMPARE(loaded.name, QStringLiteral("purge"));
        QCOMPARE(loaded.method, QByteArray("PURGE"));
        QCOMPARE(QJsonDocument::fromJson(readFile(store.pathFor(QStringLiteral("purge")))).object().value(QLatin1String("name")).toString(),
                 QStringLiteral("purge"));

        QVERIFY(!store.rename(QStringLiteral("purge"), QStringLiteral("other"), &error));
        QVERIFY2(error.contains(QLatin1String("'other' exists already")), qPrintable(error));
        QVERIFY(store.load(QStringLiteral("other"), &loaded, &error));
        QCOMPARE(loaded.method, QByteArray("BAN")); // not overwritten
        QVERIFY(!store.rename(QStringLiteral("missing"), QStringLiteral("new"), &error));
        QVERIFY2(error.contains(QLatin1String("no profile 'missing'")), qPrintable(error));
        QVERIFY(!store.rename(QStringLiteral("purge"), QStringLiteral("a/b"), &error));
        QVERIFY2(error.contains(QLatin1String("not a profile name")), qPrintable(error));
        QVERIFY(store.rename(QStringLiteral("purge"), QStringLiteral("purge"), &error));
        QCOMPARE(store.names(), (QStringList{"other", "purge"}));

        QVERIFY2(store.remove(QStringLiteral("purge"), &error), qPrintable(error));
        QCOMPARE(store.names(), QStringList{QStringLiteral("other")});
        QVERIFY(!store.remove(QStringLiteral("purge"), &error));
        QVERIFY2(error.contains(QLatin1String("no profile 'purge'")), qPrintable(error));
        writeFile(dir.filePath(QStringLiteral("outside.json")), "{}");
        ProfileStore inner(dir.filePath(QStringLiteral("inner")));
        QVERIFY(!inner.remove(QStringLiteral("../outside"), &error));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("outside.json"))));
    }

    void storeImportExport()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("a")));
        ProfileStore second(dir.filePath(QStringLiteral("b")));
        QString error;
        QVERIFY2(store.save(purgeProduct(), &error), qPrintable(error));

        const QString exported = dir.filePath(QStringLiteral("exports/shared.json"));
        QVERIFY2(store.exportTo(QStringLiteral("purge-product"), exported, &error), qPrintable(error));
        QCOMPARE(readFile(exported), readFile(store.pathFor(QStringLiteral("purge-product"))));
        QVERIFY(!store.exportTo(QStringLiteral("missing"), dir.filePath(QStringLiteral("x.json")), &error));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("x.json"))));

        Profile imported;
        QVERIFY2(second.importFile(exported, &imported, &error), qPrintable(error));
        QCOMPARE(imported.name, QStringLiteral("purge-product")); // the name inside, not "shared"
        QCOMPARE(second.names(), QStringList{QStringLiteral("purge-product")});
        Profile loaded;
        QVERIFY(second.load(QStringLiteral("purge-product"), &loaded, &error));
        QCOMPARE(loaded.toJson(), purgeProduct().toJson());

        // An existing name is kept unless overwrite is asked for.
        writeFile(exported, "{\"name\": \"purge-product\", \"method\": \"BAN\"}");
        QVERIFY(!second.importFile(exported, &imported, &error));
        QVERIFY2(error.contains(QLatin1String("'purge-product' exists already")), qPrintable(error));
        QVERIFY(second.load(QStringLiteral("purge-product"), &loaded, &error));
        QCOMPARE(loaded.method, QByteArray("PURGE"));
        QVERIFY2(second.importFile(exported, &imported, &error, true), qPrintable(error));
        QVERIFY(second.load(QStringLiteral("purge-product"), &loaded, &error));
        QCOMPARE(loaded.method, QByteArray("BAN"));

        // A file without a name takes its file name; an invalid file is refused and names the file.
        const QString unnamed = dir.filePath(QStringLiteral("from-disk.json"));
        writeFile(unnamed, "{\"method\": \"PURGE\", \"path\": \"/x\"}");
        QVERIFY2(second.importFile(unnamed, nullptr, &error), qPrintable(error));
        QCOMPARE(second.names(), (QStringList{"from-disk", "purge-product"}));
        const QString invalid = dir.filePath(QStringLiteral("invalid.json"));
        writeFile(invalid, "{\"name\": \"invalid\", \"retries\": \"many\"}");
        QVERIFY(!second.importFile(invalid, nullptr, &error));
        QCOMPARE(error, invalid + QStringLiteral(": field \"retries\": must be a whole number >= 0"));
        QCOMPARE(second.names(), (QStringList{"from-disk", "purge-product"}));
    }

    void storeSaveIsAtomic()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.path());
        QString error;
        Profile profile = purgeProduct();
        QVERIFY2(store.save(profile, &error), qPrintable(error));
        const QString path = store.pathFor(profile.name);
        const QByteArray first = readFile(path);

        // A reader that opened the old file keeps reading the complete old content: the new file
        // replaced it by rename, it was not truncated and rewritten in place.
        QFile reader(path);
        QVERIFY(reader.open(QIODevice::ReadOnly));
        profile.description = QString(5000, QLatin1Char('x'));
        QVERIFY2(store.save(profile, &error), qPrintable(error));
        QCOMPARE(reader.readAll(), first);
        const QByteArray second = readFile(path);
        QVERIFY(second.size() > 5000);
        QVERIFY(second.endsWith("}\n"));
        Profile loaded;
        QVERIFY2(store.load(profile.name, &loaded, &error), qPrintable(error));
        QCOMPARE(loaded.description, profile.description);
        QCOMPARE(entries(dir.path()), QStringList{QStringLiteral("purge-product.json")}); // no temporary files left

        // A failed save reports the path and leaves nothing behind.
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("blocked.json")));
        profile.name = QStringLiteral("blocked");
        QVERIFY(!store.save(profile, &error));
        QVERIFY2(error.startsWith(store.pathFor(QStringLiteral("blocked"))), qPrintable(error));
        QCOMPARE(entries(dir.path()), (QStringList{"blocked.json", "purge-product.json"}));
    }

    void corruptFileNamesTheFile_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << QByteArray("{ nope") << "invalid JSON: ";
        QTest::newRow("truncated") << QByteArray("{\"name\": \"x\", \"method\": \"PU") << "line 1: invalid JSON: ";
        QTest::newRow("empty file") << QByteArray("") << "invalid JSON: ";
        QTest::newRow("array") << QByteArray("[]") << "must be a JSON object";
        QTest::newRow("bad field") << QByteArray("{\"method\": 5}") << "field \"method\": must be a string";
        QTest::newRow("unknown field") << QByteArray("{\"methd\": \"GET\"}") << "field \"methd\": unknown field";
    }
    void corruptFileNamesTheFile()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, message);
        QTemporaryDir dir;
        ProfileStore store(dir.path());
        const QString path = store.pathFor(QStringLiteral("broken"));
        writeFile(path, content);
        Profile profile;
        profile.name = QStringLiteral("sentinel");
        QString error;
        QVERIFY(!ProfileStore::loadFile(path, &profile, &error));
        QVERIFY2(error.startsWith(path + QStringLiteral(": ")), qPrintable(error));
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY(!store.load(QStringLiteral("broken"), &profile, &error));
        QVERIFY2(error.startsWith(path + QStringLiteral(": ")), qPrintable(error));
        QVERIFY2(error.contains(message), qPrintable(error));
        QCOMPARE(profile.name, QStringLiteral("sentinel"));
        QCOMPARE(store.names(), QStringList{QStringLiteral("broken")}); // listed, so it can be fixed or removed
    }

    void invalidJsonGivesTheLine()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("x.json"));
        writeFile(path, "{\n  \"name\": \"x\",\n  \"method\": \"PURGE\",,\n}\n");
        QString error;
        Profile profile;
        QVERIFY(!ProfileStore::loadFile(path, &profile, &error));
        // The second comma is on line 3: a person fixes a hand-edited file by line.
        QVERIFY2(error.startsWith(path + QStringLiteral(": line 3: invalid JSON: ")), qPrintable(error));
    }

    void defaultDirectory()
    {
        QVERIFY(ProfileStore::defaultDirectory().endsWith(QLatin1String("/profiles")));
        QCOMPARE(ProfileStore(QString()).directory(), ProfileStore::defaultDirectory());
        QCOMPARE(ProfileStore().directory(), ProfileStore::defaultDirectory());
    }

    void exampleProfilesAreValid()
    {
        const QDir examples(QStringLiteral(HERALD_SOURCE_DIR "/resources/profiles"));
        const QStringList files = examples.entryList({QStringLiteral("*.json")}, QDir::Files);
        QVERIFY(files.contains(QStringLiteral("purge-product.json")));
        for (const QString &file : files) {
            Profile profile;
            QString error;
            QVERIFY2(ProfileStore::loadFile(examples.filePath(file), &profile, &error), qPrintable(error));
            QCOMPARE(profile.name + QStringLiteral(".json"), file);
        }
        Profile purge;
        QVERIFY(ProfileStore::loadFile(examples.filePath(QStringLiteral("purge-product.json")), &purge, nullptr));
        QCOMPARE(purge.method, QByteArray("PURGE"));
        QCOMPARE(purge.path, QStringLiteral("/product/{id}"));
        QCOMPARE(purge.parameters(), QStringList{QStringLiteral("id")});
        QVERIFY(purge.hasTargets);
        QCOMPARE(purge.targets.kind, TargetSourceSpec::Kind::Static);
        QVERIFY(!purge.targets.targets.isEmpty());
        for (const Target &target : purge.targets.targets)
            QCOMPARE(target.baseUrl.host(), QStringLiteral("127.0.0.1"));
        Profile filled;
        QString error;
        QVERIFY2(purge.fill(valuesFrom({"id=42"}), &filled, &error), qPrintable(error));
        QCOMPARE(filled.path, QStringLiteral("/product/42"));

        // ban-prefix must never ban everything: its prefix is required and must start with /.
        Profile ban;
        QVERIFY(ProfileStore::loadFile(examples.filePath(QStringLiteral("ban-prefix.json")), &ban, nullptr));
        QVERIFY(!ban.fill(valuesFrom({"prefix="}), &filled, &error));
        QVERIFY2(error.contains(QLatin1String("parameter \"prefix\"")), qPrintable(error));
        QVERIFY(!ban.fill({}, &filled, &error));
        QVERIFY(!ban.fill(valuesFrom({"prefix=product"}), &filled, &error));
        QVERIFY2(ban.fill(valuesFrom({"prefix=/product/"}), &filled, &error), qPrintable(error));
        QCOMPARE(headerValue(filled.headers, "X-Ban-Url"), QByteArray("^/product/"));
    }
};

QTEST_GUILESS_MAIN(TestProfile)
#include "tst_profile.moc"
