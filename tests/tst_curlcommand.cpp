// CurlCommand both ways: curl command lines (shell quoting, the options that shape a request, the
// ones refused by name) read into a request, and requests written back as commands that sh and a
// real curl (when installed) turn into the same bytes on a loopback backend.
#include "testbackend.h"

#include "util/curlcommand.h"
#include "util/shellwords.h"

#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace herald;

Q_DECLARE_METATYPE(herald::HttpHeaders)

class TestCurlCommand : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    CurlCommand::FileReader reader() const { return CurlCommand::diskReader(m_dir.path()); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QFile body(m_dir.filePath(QStringLiteral("body.txt")));
        QVERIFY(body.open(QIODevice::WriteOnly));
        body.write("line one\r\nline two\n");
        body.close();
        QFile binary(m_dir.filePath(QStringLiteral("blob.bin")));
        QVERIFY(binary.open(QIODevice::WriteOnly));
        binary.write(QByteArray("\x00\x01\xff\n%\\'", 8));
    }

    void shellWords_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QStringList>("words");
        QTest::newRow("plain") << "curl -X PURGE http://x/" << QStringList{"curl", "-X", "PURGE", "http://x/"};
        QTest::newRow("single quotes keep everything") << "a 'b \"c\" \\d $e'" << QStringList{"a", "b \"c\" \\d $e"};
        QTest::newRow("double quotes escape four") << "a \"b \\\"c\\\" \\\\ \\d \\$\"" << QStringList{"a", "b \"c\" \\ \\d $"};
        QTest::newRow("backslash outside") << "a b\\ c \\'d" << QStringList{"a", "b c", "'d"};
        QTest::newRow("adjacent parts join") << "a 'b'\"c\"d" << QStringList{"a", "bcd"};
        QTest::newRow("empty quoted word") << "a '' \"\"" << QStringList{"a", "", ""};
        QTest::newRow("line continuation") << "curl \\\n  -X PURGE \\\r\n  http://x/"
                                           << QStringList{"curl", "-X", "PURGE", "http://x/"};
        QTest::newRow("continuation inside double quotes") << "a \"b\\\nc\"" << QStringList{"a", "bc"};
        QTest::newRow("ansi-c quoting") << "a $'b\\n\\x41\\101\\''" << QStringList{"a", "b\nAA'"};
        QTest::newRow("comment") << "a b # c d\n e" << QStringList{"a", "b", "e"};
        QTest::newRow("hash inside a word") << "a b#c" << QStringList{"a", "b#c"};
        QTest::newRow("dollar alone") << "a $ b$" << QStringList{"a", "$", "b$"};
        QTest::newRow("tabs and newlines") << "a\tb\n\nc" << QStringList{"a", "b", "c"};
    }
    void shellWords()
    {
        QFETCH(QString, line);
        QFETCH(QStringList, words);
        QStringList split;
        QString error;
        QVERIFY2(ShellWords::split(line, &split, &error), qPrintable(error));
        QCOMPARE(split, words);
    }

    void shellWordErrors_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("error");
        QTest::newRow("open single") << "a 'b"
                                     << "unterminated single quote";
        QTest::newRow("open double") << "a \"b"
                                     << "unterminated double quote";
        QTest::newRow("open ansi-c") << "a $'b"
                                     << "unterminated $'...' quote";
        QTest::newRow("trailing backslash") << "a \\"
                                            << "a backslash ends the command line";
        QTest::newRow("variable") << "curl $HOST"
                                  << "shell expansion ($H) is not done here";
        QTest::newRow("variable in double quotes") << "curl \"${HOST}\""
                                                   << "shell expansion (${) is not done here";
        QTest::newRow("command substitution") << "curl $(cat f)"
                                              << "shell expansion ($() is not done here";
        QTest::newRow("backtick") << "curl `cat f`"
                                  << "shell expansion (`c) is not done here";
        QTest::newRow("unquoted ampersand") << "curl http://x/?a=1&b=2"
                                            << "the shell operator '&' is not supported";
        QTest::newRow("pipe") << "curl http://x/ | jq"
                              << "the shell operator '|' is not supported";
    }
    void shellWordErrors()
    {
        QFETCH(QString, line);
        QFETCH(QString, error);
        QStringList words;
        QString actual;
        QVERIFY(!ShellWords::split(line, &words, &actual));
        QVERIFY2(actual.startsWith(error), qPrintable(actual));
    }

    void quoteRoundTrips_data()
    {
        QTest::addColumn<QString>("word");
        for (const char *word : {"plain", "http://x:8080/p?q=1", "", "it's", "a b", "\"q\"", "$HOME", "back\\slash", "new\nline",
                                 "*", "caf\u00e9", "'''", "-H"})
            QTest::addRow("%s", QByteArray(word).replace('\n', "\\n").constData()) << QString::fromUtf8(word);
    }
    void quoteRoundTrips()
    {
        QFETCH(QString, word);
        QStringList words;
        QString error;
        QVERIFY2(ShellWords::split(QStringLiteral("x ") + ShellWords::quote(word), &words, &error), qPrintable(error));
        QCOMPARE(words, (QStringList{QStringLiteral("x"), word}));
    }

    void parse_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("base");
        QTest::addColumn<QByteArray>("pathAndQuery");
        QTest::addColumn<HttpHeaders>("headers");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("hasBody");
        const HttpHeaders none;
        QTest::newRow("issue example") << "curl -X PURGE -H \"Host: a\" http://x/p?q=1" << QByteArray("PURGE")
                                       << QByteArray("http://x") << QByteArray("/p?q=1") << HttpHeaders{{"Host", "a"}}
                                       << QByteArray() << false;
        QTest::newRow("get by default") << "curl http://x:8080" << QByteArray("GET") << QByteArray("http://x:8080")
                                        << QByteArray("/") << none << QByteArray() << false;
        QTest::newRow("scheme added") << "curl x/p" << QByteArray("GET") << QByteArray("http://x") << QByteArray("/p") << none
                                      << QByteArray() << false;
        QTest::newRow("query without path") << "curl 'https://x?a=1'" << QByteArray("GET") << QByteArray("https://x")
                                            << QByteArray("/?a=1") << none << QByteArray() << false;
        QTest::newRow("fragment dropped") << "curl 'http://x/p#frag'" << QByteArray("GET") << QByteArray("http://x")
                                          << QByteArray("/p") << none << QByteArray() << false;
        QTest::newRow("-d implies POST") << "curl -d a=1 http://x/" << QByteArray("POST") << QByteArray("http://x")
                                         << QByteArray("/") << none << QByteArray("a=1") << true;
        QTest::newRow("-d joined with &") << "curl -d a=1 --data b=2 --data-raw @c http://x/" << QByteArray("POST")
                                          << QByteArray("http://x") << QByteArray("/") << none << QByteArray("a=1&b=2&@c") << true;
        QTest::newRow("-d @file drops newlines") << "curl -d @body.txt http://x/" << QByteArray("POST") << QByteArray("http://x")
                                                 << QByteArray("/") << none << QByteArray("line oneline two") << true;
        QTest::newRow("--data-binary @file as is")
            << "curl --data-binary @body.txt http://x/" << QByteArray("POST") << QByteArray("http://x") << QByteArray("/") << none
            << QByteArray("line one\r\nline two\n") << true;
        QTest::newRow("empty body") << "curl -X PUT -d '' http://x/" << QByteArray("PUT") << QByteArray("http://x")
                                    << QByteArray("/") << none << QByteArray() << true;
        QTest::newRow("-X wins over -d") << "curl -d x -X BAN http://x/" << QByteArray("BAN") << QByteArray("http://x")
                                         << QByteArray("/") << none << QByteArray("x") << true;
        QTest::newRow("-I") << "curl -I http://x/" << QByteArray("HEAD") << QByteArray("http://x") << QByteArray("/") << none
                            << QByteArray() << false;
        QTest::newRow("-G moves data to the query")
            << "curl -G -d a=1 -d b=2 'http://x/p?z=0'" << QByteArray("GET") << QByteArray("http://x")
            << QByteArray("/p?z=0&a=1&b=2") << none << QByteArray() << false;
        QTest::newRow("-G keeps a # in the query")
            << "curl -G --data-raw 'a=#1' http://x/p" << QByteArray("GET") << QByteArray("http://x") << QByteArray("/p?a=%231")
            << none << QByteArray() << false;
        QTest::newRow("-A trimmed like -H") << "curl -A ' agent 1 ' http://x/" << QByteArray("GET") << QByteArray("http://x")
                                            << QByteArray("/") << HttpHeaders{{"User-Agent", "agent 1"}} << QByteArray() << false;
        QTest::newRow("--data-urlencode") << "curl --data-urlencode 'q=a b&c' --data-urlencode plain http://x/"
                                          << QByteArray("POST") << QByteArray("http://x") << QByteArray("/") << none
                                          << QByteArray("q=a%20b%26c&plain") << true;
        QTest::newRow("--json") << "curl --json '{\"a\":1}' http://x/" << QByteArray("POST") << QByteArray("http://x")
                                << QByteArray("/")
                                << HttpHeaders{{"Content-Type", "application/json"}, {"Accept", "application/json"}}
                                << QByteArray("{\"a\":1}") << true;
        QTest::newRow("clustered and attached")
            << "curl -sSXPURGE -HX-A:1 --url http://x/p" << QByteArray("PURGE") << QByteArray("http://x") << QByteArray("/p")
            << HttpHeaders{{"X-A", "1"}} << QByteArray() << false;
        QTest::newRow("cluster then value word") << "curl -sX BAN http://x/" << QByteArray("BAN") << QByteArray("http://x")
                                                 << QByteArray("/") << none << QByteArray() << false;
        QTest::newRow("empty header and removed one")
            << "curl -H 'X-Empty;' -H 'Accept:' http://x/" << QByteArray("GET") << QByteArray("http://x") << QByteArray("/")
            << HttpHeaders{{"X-Empty", ""}} << QByteArray() << false;
        QTest::newRow("user agent, referer, user")
            << "curl -A agent -e http://r/ -u u:p http://x/" << QByteArray("GET") << QByteArray("http://x") << QByteArray("/")
            << HttpHeaders{{"User-Agent", "agent"}, {"Referer", "http://r/"}, {"Authorization", "Basic dTpw"}} << QByteArray()
            << false;
        QTest::newRow("output options ignored")
            << "curl -sS -o /dev/null -w '%{http_code}' -v -i -L http://x/" << QByteArray("GET") << QByteArray("http://x")
            << QByteArray("/") << none << QByteArray() << false;
        QTest::newRow("after -- a dash URL") << "curl -X GET -- http://x/-p" << QByteArray("GET") << QByteArray("http://x")
                                             << QByteArray("/-p") << none << QByteArray() << false;
        QTest::newRow("full path to curl, continuations")
            << "/usr/bin/curl \\\n -X PURGE \\\n -H 'Host: www.example.com' \\\n 'http://[::1]:6081/a/b?c=d'"
            << QByteArray("PURGE") << QByteArray("http://[::1]:6081") << QByteArray("/a/b?c=d")
            << HttpHeaders{{"Host", "www.example.com"}} << QByteArray() << false;
    }
    void parse()
    {
        QFETCH(QString, line);
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, base);
        QFETCH(QByteArray, pathAndQuery);
        QFETCH(HttpHeaders, headers);
        QFETCH(QByteArray, body);
        QFETCH(bool, hasBody);
        CurlCommand command;
        QString error;
        QVERIFY2(CurlCommand::parse(line, &command, &error, reader()), qPrintable(error));
        QCOMPARE(command.method, method);
        QCOMPARE(command.targetBase(), base);
        QCOMPARE(command.pathAndQuery(), pathAndQuery);
        QCOMPARE(command.headers, headers);
        QCOMPARE(command.body, body);
        QCOMPARE(command.hasBody, hasBody);
    }

    void flags()
    {
        CurlCommand command;
        QString error;
        QVERIFY(CurlCommand::parse(QStringLiteral("curl -k --http2 -m 2.5 https://x/"), &command, &error));
        QVERIFY(command.insecure);
        QVERIFY(command.http2);
        QCOMPARE(command.maxTimeMs, 2500);
        QVERIFY(CurlCommand::parse(QStringLiteral("curl --http2 --http1.1 http://x/"), &command, &error));
        QVERIFY(!command.http2);
    }

    void parseErrors_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("error");
        QTest::newRow("not curl") << "wget http://x/"
                                  << "expected a curl command line (it starts with \"wget\")";
        QTest::newRow("empty") << ""
                               << "expected a curl command line (it starts with \"\")";
        QTest::newRow("cookie") << "curl --cookie a=b http://x/"
                                << "--cookie is not supported";
        QTest::newRow("short cookie") << "curl -b a=b http://x/"
                                      << "-b is not supported";
        QTest::newRow("form") << "curl -F a=@f http://x/"
                              << "-F is not supported";
        QTest::newRow("compressed") << "curl --compressed http://x/"
                                    << "--compressed is not supported";
        QTest::newRow("long with equals") << "curl --request=PURGE http://x/"
                                          << "--request=PURGE is not supported";
        QTest::newRow("missing value") << "curl http://x/ -X"
                                       << "-X needs a value";
        QTest::newRow("missing long value") << "curl http://x/ --data-binary"
                                            << "--data-binary needs a value";
        QTest::newRow("bad method") << "curl -X 'PUR GE' http://x/"
                                    << "-X: \"PUR GE\" is not a method";
        QTest::newRow("bad header") << "curl -H nocolon http://x/"
                                    << "-H: \"nocolon\" is not a header (expected Name: value)";
        QTest::newRow("header file") << "curl -H @headers.txt http://x/"
                                     << "-H @FILE is not supported; give each header with -H";
        QTest::newRow("no URL") << "curl -X PURGE"
                                << "no URL given";
        QTest::newRow("two URLs") << "curl http://a/ http://b/"
                                  << "more than one URL (http://a/, http://b/); give one";
        QTest::newRow("ftp") << "curl ftp://x/f"
                             << "URL ftp://x/f: the scheme must be http or https";
        QTest::newRow("no host") << "curl http:///p"
                                 << "URL http:///p has no host";
        QTest::newRow("stdin") << "curl -d @- http://x/"
                               << "-d @-: reading standard input is not supported; name a file";
        QTest::newRow("missing file") << "curl --data-binary @nope.bin http://x/"
                                      << "--data-binary @nope.bin: ";
        QTest::newRow("quote") << "curl 'http://x/"
                               << "unterminated single quote";
        QTest::newRow("user agent on two lines") << "curl -A $'a\\nb' http://x/"
                                                 << "-A: the value must be on one line";
        QTest::newRow("max time") << "curl -m soon http://x/"
                                  << "-m: \"soon\" is not a number of seconds";
    }
    void parseErrors()
    {
        QFETCH(QString, line);
        QFETCH(QString, error);
        CurlCommand command;
        command.method = "UNTOUCHED";
        QString actual;
        QVERIFY(!CurlCommand::parse(line, &command, &actual, reader()));
        QVERIFY2(actual.startsWith(error), qPrintable(actual));
        QCOMPARE(command.method, QByteArray("UNTOUCHED"));
    }

    void filesNeedAReader()
    {
        CurlCommand command;
        QString error;
        QVERIFY(!CurlCommand::parse(QStringLiteral("curl --data-binary @body.txt http://x/"), &command, &error));
        QCOMPARE(error, QStringLiteral("--data-binary @body.txt: reading files is not allowed here"));
    }

    // What toShell writes, parsed back, is the same request.
    void toShellParsesBack_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("url");
        QTest::addColumn<HttpHeaders>("headers");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("hasBody");
        QTest::newRow("purge") << QByteArray("PURGE") << QByteArray("http://x:6081/p?q=1")
                               << HttpHeaders{{"Host", "a b"}, {"X-Quote", "it's \"q\" $x"}} << QByteArray() << false;
        QTest::newRow("get") << QByteArray("GET") << QByteArray("http://x/") << HttpHeaders{} << QByteArray() << false;
        QTest::newRow("head") << QByteArray("HEAD") << QByteArray("http://x/") << HttpHeaders{} << QByteArray() << false;
        QTest::newRow("post text") << QByteArray("POST") << QByteArray("http://x/") << HttpHeaders{{"Content-Type", "text/plain"}}
                                   << QByteArray("@not-a-file\nline 2 'q'") << true;
        QTest::newRow("put empty body") << QByteArray("PUT") << QByteArray("http://x/") << HttpHeaders{{"Content-Type", "a/b"}}
                                        << QByteArray() << true;
        QTest::newRow("empty header") << QByteArray("BAN") << QByteArray("http://x/") << HttpHeaders{{"X-Empty", ""}}
                                      << QByteArray() << false;
    }
    void toShellParsesBack()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, url);
        QFETCH(HttpHeaders, headers);
        QFETCH(QByteArray, body);
        QFETCH(bool, hasBody);
        CurlCommand command;
        command.method = method;
        command.url = url;
        command.headers = headers;
        command.body = body;
        command.hasBody = hasBody;
        CurlCommand back;
        QString error;
        const QString shell = command.toShell();
        QVERIFY2(CurlCommand::parse(shell, &back, &error), qPrintable(shell + QStringLiteral(": ") + error));
        QCOMPARE(back.method, method);
        QCOMPARE(back.url, url);
        QCOMPARE(back.body, body);
        QCOMPARE(back.hasBody, hasBody);
        HttpHeaders expected = headers;
        QCOMPARE(back.headers, expected);
    }

    void toShellText()
    {
        CurlCommand command;
        command.method = "PURGE";
        command.url = "http://x/p?q=1";
        command.headers = {{"Host", "a"}};
        QCOMPARE(command.toShell(), QStringLiteral("curl -X PURGE -H 'Host: a' 'http://x/p?q=1'"));
        command.method = "POST";
        command.body = QByteArray("\x00\x01", 2);
        command.hasBody = true;
        QCOMPARE(command.toShell(QStringLiteral("/tmp/body 1.bin")),
                 QStringLiteral("curl -H 'Host: a' -H Content-Type: --data-binary '@/tmp/body 1.bin' 'http://x/p?q=1'"));
        QCOMPARE(command.toShell(),
                 QStringLiteral("printf '\\000\\001' | curl -H 'Host: a' -H Content-Type: --data-binary @- 'http://x/p?q=1'"));
    }

    // Alike requests become one for loop over the URLs; requests that differ stay one a line.
    void loopText()
    {
        CurlCommand a;
        a.method = "PURGE";
        a.url = "http://a:1/p";
        a.headers = {{"X-Reason", "it's"}};
        CurlCommand b = a;
        b.url = "http://b:2/p";
        QCOMPARE(CurlCommand::loop({a, b}),
                 QStringLiteral(
                     "for url in http://a:1/p http://b:2/p; do\n    curl -X PURGE -H 'X-Reason: it'\\''s' \"$url\"\ndone\n"));
        // A Host that only repeats the URL's authority is left to curl, so the loop still holds.
        a.headers.prepend({"Host", "a:1"});
        b.headers.prepend({"Host", "b:2"});
        QVERIFY(CurlCommand::loop({a, b}).startsWith(QLatin1String("for url in ")));
        QVERIFY(!CurlCommand::loop({a, b}).contains(QLatin1String("Host")));
        b.headers = {{"Host", "b"}};
        QCOMPARE(CurlCommand::loop({a, b}), a.toShell() + QLatin1Char('\n') + b.toShell() + QLatin1Char('\n'));
        QCOMPARE(CurlCommand::loop({}), QString());
    }

    // The loop, run by sh with a real curl, reaches every backend with the same request.
    void realCurlLoopReachesEveryTarget()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty())
            QSKIP("no curl program installed");
        herald::test::TestBackend one;
        herald::test::TestBackend two;
        QVERIFY(one.listen() && two.listen());
        QList<CurlCommand> commands;
        for (const herald::test::TestBackend *backend : {&one, &two}) {
            CurlCommand command;
            command.method = "PUT";
            command.url = QStringLiteral("http://127.0.0.1:%1/a/./b").arg(backend->port()).toUtf8();
            command.body = QByteArray("\x00"
                                      "bin\n",
                                      5);
            command.hasBody = true;
            commands.append(command);
        }
        QProcess shell;
        QSignalSpy finished(&shell, &QProcess::finished);
        shell.start(QStringLiteral("/bin/sh"),
                    {QStringLiteral("-c"), QStringLiteral("set -e; ")
                                               + CurlCommand::loop(commands).replace(QStringLiteral("\"$url\""),
                                                                                     QStringLiteral("-s -o /dev/null \"$url\""))});
        QVERIFY(finished.wait(20000));
        QCOMPARE(shell.exitCode(), 0);
        for (const herald::test::TestBackend *backend : {&one, &two}) {
            QCOMPARE(backend->requestCount(), 1);
            QCOMPARE(backend->requests().first().method, QByteArray("PUT"));
            QCOMPARE(backend->requests().first().target, QByteArray("/a/./b"));
            QCOMPARE(backend->requests().first().body, QByteArray("\x00"
                                                                  "bin\n",
                                                                  5));
        }
    }

    // The printed command, run by sh and a real curl, delivers the same bytes to a backend.
    void realCurlSendsTheSameRequest_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("no body") << QByteArray();
        QTest::newRow("text") << QByteArray("a=1 'b' \"c\" $d\n");
        QTest::newRow("binary") << QByteArray("\x00\x01\xff\n%\\'\x7f", 9);
    }
    void realCurlSendsTheSameRequest()
    {
        QFETCH(QByteArray, body);
        const QString curl = QStandardPaths::findExecutable(QStringLiteral("curl"));
        if (curl.isEmpty())
            QSKIP("no curl program installed");
        herald::test::TestBackend backend;
        QVERIFY(backend.listen());
        CurlCommand command;
        command.method = body.isEmpty() ? "PURGE" : "PUT";
        command.url = QStringLiteral("http://127.0.0.1:%1/p/../q?x=1&y='2'").arg(backend.port()).toUtf8();
        command.headers = {{"Host", "www.example.com"}, {"X-Odd", "it's \"q\""}, {"Content-Type", "application/x-test"}};
        command.body = body;
        command.hasBody = !body.isEmpty();
        QProcess shell;
        QSignalSpy finished(&shell, &QProcess::finished); // the backend answers from this event loop
        shell.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), command.toShell() + QStringLiteral(" -s -o /dev/null")});
        QVERIFY(finished.wait(20000));
        QCOMPARE(shell.exitCode(), 0);
        QCOMPARE(backend.requestCount(), 1);
        const herald::test::RecordedRequest received = backend.requests().first();
        QCOMPARE(received.method, command.method);
        QCOMPARE(received.target, QByteArray("/p/../q?x=1&y='2'"));
        QCOMPARE(received.header("Host"), QByteArray("www.example.com"));
        QCOMPARE(received.header("X-Odd"), QByteArray("it's \"q\""));
        QCOMPARE(received.header("Content-Type"), QByteArray("application/x-test"));
        QCOMPARE(received.body, body);
    }
};

QTEST_GUILESS_MAIN(TestCurlCommand)
#include "tst_curlcommand.moc"
