// What a broadcast sends a target: the encoded URL parts of the hot path must be exactly what
// the QUrl path gives, for every byte a client may put in a request target.
#include "broadcast/targetrequest.h"

#include <QTest>

using namespace herald;

class TestTargetRequest : public QObject
{
    Q_OBJECT

private:
    // The URL, origin and request target as a transport that parses a QUrl sees them.
    static void compareWithQUrl(const TransportRequest &request, const QUrl &expected)
    {
        QCOMPARE(request.url().toEncoded(), expected.toEncoded());
        QByteArray target = expected.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment);
        if (!target.startsWith('/'))
            target.prepend('/');
        QCOMPARE(request.requestTarget(), target);
        QCOMPARE(request.origin(),
                 expected.toEncoded(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment));
        QCOMPARE(request.isPlainHttp(), expected.scheme() == QLatin1String("http"));
    }

private Q_SLOTS:
    void partsMatchTheQUrl_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QByteArray>("pathAndQuery");
        QTest::addColumn<bool>("exact");
        const QStringList targets = {QStringLiteral("http://127.0.0.1:8080"), QStringLiteral("http://user:pw@h:1/api/"),
                                     QStringLiteral("https://[::1]:8443/v1?token=a%20b"), QStringLiteral("http://H/"),
                                     QStringLiteral("http://h:80/caf%C3%A9")};
        QList<QByteArray> paths = {"/",    "/p?q=1", "/a/./b/../c?x=1&y='2'", "//x", "/p?", "/p??a", "p", "/p#frag", "/%",
                                   "/%zz", "/%2",    "/caf\xc3\xa9"};
        // Every byte, and every escape in both cases, in the path and in the query.
        for (int c = 1; c < 256; ++c) {
            const QByteArray byte(1, char(c));
            paths << "/a" + byte + "b?x" + byte + "y=" + byte;
        }
        for (int v = 0; v < 256; ++v) {
            for (const bool upper : {false, true}) {
                QByteArray hex = QByteArray::number(v, 16).rightJustified(2, '0');
                if (upper)
                    hex = hex.toUpper();
                paths << "/a%" + hex + "b?x%" + hex;
            }
        }
        for (const QString &target : targets) {
            for (const QByteArray &path : paths) {
                for (const bool exact : {false, true}) {
                    QTest::addRow("%s %s%s", qPrintable(target), path.toPercentEncoding().constData(), exact ? " exact" : "")
                        << target << path << exact;
                }
            }
        }
    }
    void partsMatchTheQUrl()
    {
        QFETCH(QString, target);
        QFETCH(QByteArray, pathAndQuery);
        QFETCH(bool, exact);
        QString error;
        const Target parsed = Target::parse(target, &error);
        QVERIFY2(parsed.isValid(), qPrintable(error));
        BroadcastRequest request;
        request.method = "PURGE";
        request.pathAndQuery = pathAndQuery;
        BroadcastOptions options;
        options.exactTargetPath = exact;
        const TransportRequest sent = TargetRequest::make(request, parsed, HeaderPolicy(), options);
        compareWithQUrl(sent, parsed.urlFor(pathAndQuery, exact));
    }

    // The hot path takes the parts for a plain request target and leaves the rest to QUrl.
    void plainTargetsSkipQUrl()
    {
        QVERIFY(TargetForm::keepsAsIs("/product/42?lang=en&x=a,b;c:d@e[f]!$'()*+~_-."));
        for (const char *changed :
             {"/a%41", "/a b", "/a#f", "/a\"", "/a<", "/a>", "/a\\", "/a^", "/a`", "/a{", "/a|", "/a}", "/caf\xc3\xa9", "/a\x7f"})
            QVERIFY2(!TargetForm::keepsAsIs(changed), changed);
    }
};

QTEST_GUILESS_MAIN(TestTargetRequest)
#include "tst_targetrequest.moc"
