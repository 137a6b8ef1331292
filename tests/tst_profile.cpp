// Profiles: validation that names the field, parameters, JSON round-trip, and the file store.
#include "duration.h"
#include "profile.h"
#include "profilestore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace herald;

namespace {

QJsonObject json(const QByteArray &text)
{
    return QJsonDocument::fromJson(text).object();
}

Profile purgeProduct()
{
    Profile profile;
    QString error;
    Profile::fromJson(json("{\"name\": \"purge-product\", \"method\": \"PURGE\", \"path\": \"/product/{id}?lang={lang}\","
                           " \"headers\": [[\"Host\", \"{site}.example.com\"]], \"body\": \"id={id} {{literal}}\","
                           " \"targets\": {\"static\": [\"http://127.0.0.1:6081\"]}, \"retries\": 3, \"timeout\": \"2s\","
                           " \"policy\": \"quorum=2\", \"retryOn\": \">=400\"}"),
                      &profile, &error);
    return profile;
}

} // namespace

class TestProfile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("ms");
        QTest::newRow("ms") << "250ms" << 250;
        QTest::newRow("s") << "2s" << 2000;
        QTest::newRow("fraction") << "1.5s" << 1500;
        QTest::newRow("minute") << "1m" << 60000;
        QTest::newRow("plain seconds") << "3" << 3000;
        QTest::newRow("spaces") << " 5 s " << 5000;
        QTest::newRow("negative") << "-1s" << -1;
        QTest::newRow("garbage") << "soon" << -1;
        QTest::newRow("empty") << "" << -1;
        QTest::newRow("unit only") << "ms" << -1;
    }
    void durations()
    {
        QFETCH(QString, text);
        QFETCH(int, ms);
        int parsed = 0;
        QString error;
        QCOMPARE(parseDuration(text, &parsed, &error), ms >= 0);
        if (ms >= 0) {
            QCOMPARE(parsed, ms);
            int again = 0;
            QVERIFY(parseDuration(formatDuration(parsed), &again, nullptr));
            QCOMPARE(again, ms);
        } else {
            QVERIFY(error.contains(text.trimmed()));
        }
    }

    void validation_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("field");
        QTest::newRow("name") << QByteArray("{\"name\": \"a/b\"}") << "name";
        QTest::newRow("method") << QByteArray("{\"name\": \"a\", \"method\": \"GE T\"}") << "method";
        QTest::newRow("path") << QByteArray("{\"name\": \"a\", \"path\": \"nope\"}") << "path";
        QTest::newRow("headers not array") << QByteArray("{\"name\": \"a\", \"headers\": {}}") << "headers";
        QTest::newRow("header CRLF") << QByteArray("{\"name\": \"a\", \"headers\": [[\"X\", \"a\\r\\nb\"]]}") << "headers";
        QTest::newRow("body and base64") << QByteArray("{\"name\": \"a\", \"body\": \"x\", \"bodyBase64\": \"eA==\"}") << "body";
        QTest::newRow("bad base64") << QByteArray("{\"name\": \"a\", \"bodyBase64\": \"!!\"}") << "bodyBase64";
        QTest::newRow("targets") << QByteArray("{\"name\": \"a\", \"targets\": {\"dns\": \"nope\"}}") << "targets";
        QTest::newRow("retries") << QByteArray("{\"name\": \"a\", \"retries\": -2}") << "retries";
        QTest::newRow("retries text") << QByteArray("{\"name\": \"a\", \"retries\": \"3\"}") << "retries";
        QTest::newRow("timeout") << QByteArray("{\"name\": \"a\", \"timeout\": \"later\"}") << "timeout";
        QTest::newRow("policy") << QByteArray("{\"name\": \"a\", \"policy\": \"most\"}") << "policy";
        QTest::newRow("retryOn") << QByteArray("{\"name\": \"a\", \"retryOn\": \"7xx\"}") << "retryOn";
        QTest::newRow("unknown field") << QByteArray("{\"name\": \"a\", \"retires\": 2}") << "retires";
    }
    void validation()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, field);
        Profile profile;
        QString error;
        QVERIFY(!Profile::fromJson(json(text), &profile, &error));
        QVERIFY2(error.startsWith(QStringLiteral("field \"%1\"").arg(field)), qPrintable(error));
    }

    void parametersAndFilling()
    {
        const Profile profile = purgeProduct();
        QCOMPARE(profile.parameters(), (QStringList{QStringLiteral("id"), QStringLiteral("lang"), QStringLiteral("site")}));
        Profile filled;
        QString error;
        QVERIFY2(profile.fill({{QStringLiteral("id"), QStringLiteral("42/x y")}, {QStringLiteral("lang"), QStringLiteral("en")},
                               {QStringLiteral("site"), QStringLiteral("shop")}},
                              &filled, &error),
                 qPrintable(error));
        QCOMPARE(filled.path, QStringLiteral("/product/42%2Fx%20y?lang=en"));
        QCOMPARE(headerValue(filled.headers, "Host"), QByteArray("shop.example.com"));
        QCOMPARE(filled.body, QByteArray("id=42/x y {literal}"));

        QVERIFY(!profile.fill({{QStringLiteral("id"), QStringLiteral("1")}, {QStringLiteral("lang"), QStringLiteral("en")}}, &filled, &error));
        QVERIFY(error.contains(QLatin1String("{site}")));
        QVERIFY(!profile.fill({{QStringLiteral("id"), QStringLiteral("1")}, {QStringLiteral("lang"), QStringLiteral("en")},
                               {QStringLiteral("site"), QStringLiteral("s")}, {QStringLiteral("extra"), QStringLiteral("x")}},
                              &filled, &error));
        QVERIFY(error.contains(QLatin1String("{extra}")));
        QVERIFY(!profile.fill({{QStringLiteral("id"), QStringLiteral("1")}, {QStringLiteral("lang"), QStringLiteral("en")},
                               {QStringLiteral("site"), QStringLiteral("a\r\nX-Evil: 1")}},
                              &filled, &error));
        QVERIFY(error.contains(QLatin1String("CR or LF")));
    }

    void jsonRoundTrip()
    {
        const Profile profile = purgeProduct();
        QCOMPARE(profile.retries, 3);
        QCOMPARE(profile.timeoutMs, 2000);
        Profile again;
        QString error;
        QVERIFY2(Profile::fromJson(profile.toJson(), &again, &error), qPrintable(error));
        QCOMPARE(again.toJson(), profile.toJson());
        QCOMPARE(again.targets.targets.size(), 1);
        Profile binary = profile;
        binary.body = QByteArray("\xff\x00\x01", 3);
        QVERIFY(Profile::fromJson(binary.toJson(), &again, &error));
        QCOMPARE(again.body, binary.body);
    }

    void store()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("profiles")));
        QVERIFY(store.names().isEmpty());
        QString error;
        QVERIFY2(store.save(purgeProduct(), &error), qPrintable(error));
        QCOMPARE(store.names(), QStringList{QStringLiteral("purge-product")});
        QCOMPARE(QDir(store.directory()).entryList(QDir::Files), QStringList{QStringLiteral("purge-product.json")}); // no temp leftovers
        Profile loaded;
        QVERIFY(store.load(QStringLiteral("purge-product"), &loaded, &error));
        QCOMPARE(loaded.path, QStringLiteral("/product/{id}?lang={lang}"));

        QVERIFY(store.rename(QStringLiteral("purge-product"), QStringLiteral("purge"), &error));
        QCOMPARE(store.names(), QStringList{QStringLiteral("purge")});
        QVERIFY(store.load(QStringLiteral("purge"), &loaded, &error));
        QCOMPARE(loaded.name, QStringLiteral("purge"));

        const QString exported = dir.filePath(QStringLiteral("export.json"));
        QVERIFY(store.exportTo(QStringLiteral("purge"), exported, &error));
        QVERIFY(!store.importFile(exported, nullptr, &error)); // exists already
        QVERIFY(error.contains(QLatin1String("exists")));
        QVERIFY(store.remove(QStringLiteral("purge"), &error));
        QVERIFY(store.names().isEmpty());
        Profile imported;
        QVERIFY2(store.importFile(exported, &imported, &error), qPrintable(error));
        QCOMPARE(imported.name, QStringLiteral("purge"));
        QCOMPARE(store.names(), QStringList{QStringLiteral("purge")});
        QVERIFY(!store.load(QStringLiteral("missing"), &loaded, &error));
        QVERIFY(error.contains(QLatin1String("missing")));
        QVERIFY(!store.load(QStringLiteral("../etc/passwd"), &loaded, &error));
    }

    void brokenFilesNameTheFile_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << QByteArray("{ nope") << "not a JSON object";
        QTest::newRow("array") << QByteArray("[]") << "not a JSON object";
        QTest::newRow("bad field") << QByteArray("{\"method\": 5}") << "field \"method\"";
    }
    void brokenFilesNameTheFile()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();
        Profile profile;
        QString error;
        QVERIFY(!ProfileStore::loadFile(path, &profile, &error));
        QVERIFY2(error.startsWith(path), qPrintable(error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void exampleProfilesAreValid()
    {
        const QDir examples(QStringLiteral(HERALD_SOURCE_DIR "/resources/profiles"));
        const QStringList files = examples.entryList({QStringLiteral("*.json")}, QDir::Files);
        QVERIFY(!files.isEmpty());
        for (const QString &file : files) {
            Profile profile;
            QString error;
            QVERIFY2(ProfileStore::loadFile(examples.filePath(file), &profile, &error), qPrintable(error));
        }
    }
};

QTEST_GUILESS_MAIN(TestProfile)
#include "tst_profile.moc"
