// The window's work with results: answer groups with the odd targets marked, two targets side by
// side, copy as curl (run with a real curl), paste a curl command, export, and a preview that sends
// nothing. Real widgets offscreen, real loopback backends.
#include "backendpool.h"
#include "broadcast/broadcaster.h"
#include "comparedialog.h"
#include "composerwidget.h"
#include "mainwindow.h"
#include "pastecurldialog.h"
#include "previewdialog.h"
#include "targettablemodel.h"
#include "testbackend.h"

#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace herald;
using herald::test::TestBackend;

class TestGuiResults : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    herald::test::BackendPool m_backends;
    std::unique_ptr<Broadcaster> m_broadcaster;
    std::unique_ptr<MainWindow> m_window;

    TestBackend &backend(int i) { return m_backends.at(i); }

    void openWindow()
    {
        m_window.reset();
        m_broadcaster = std::make_unique<Broadcaster>();
        m_window = std::make_unique<MainWindow>(m_broadcaster.get(), m_dir.filePath(QStringLiteral("profiles")),
                                                m_dir.filePath(QStringLiteral("history.sqlite")));
        m_window->setConfirmationThreshold(-1);
        m_window->resize(1100, 760);
        m_window->show();
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    }

    template <typename T> T *find(const char *name)
    {
        T *widget = m_window->findChild<T *>(QString::fromLatin1(name));
        if (!widget)
            qFatal("no %s", name);
        return widget;
    }

    // The composer holds `request` for `urls`; no retries, so each backend sees one request a send.
    void compose(const BroadcastRequest &request, const QStringList &urls)
    {
        m_window->findChild<ComposerWidget *>()->loadRequest(request);
        find<QComboBox>("sourceKindCombo")->setCurrentIndex(0);
        find<QLineEdit>("targetsEdit")->setText(urls.join(QStringLiteral(", ")));
        find<QSpinBox>("retriesSpin")->setValue(0);
    }

    void broadcast(const BroadcastRequest &request, const QStringList &urls)
    {
        compose(request, urls);
        QSignalSpy finished(m_window.get(), &MainWindow::broadcastFinished);
        QTest::keyClick(find<QLineEdit>("pathEdit"), Qt::Key_Return, Qt::ControlModifier);
        QVERIFY(finished.wait(10000));
    }

    QString group(int row) const { return m_window->resultsModel()->index(row, TargetTableModel::GroupColumn).data().toString(); }

    void select(const QList<int> &rows)
    {
        auto *view = find<QTableView>("resultsView");
        view->clearSelection();
        for (const int row : rows)
            view->selectionModel()->select(view->model()->index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }

    // Runs `script` with sh, where `curl` is the real one; false when curl is not installed.
    static void runShell(const QString &script)
    {
        QProcess shell;
        QSignalSpy finished(&shell, &QProcess::finished); // the backends answer from this event loop
        shell.start(QStringLiteral("/bin/sh"), {QStringLiteral("-ec"), script});
        QVERIFY(finished.wait(20000));
        QVERIFY2(shell.exitCode() == 0, shell.readAllStandardError().constData());
    }

    static BroadcastRequest request(const QByteArray &method, const QByteArray &path, const HttpHeaders &headers = {},
                                    const QByteArray &body = {})
    {
        BroadcastRequest request;
        request.method = method;
        request.pathAndQuery = path;
        request.headers = headers;
        request.body = body;
        return request;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("herald-test-results"));
        QSettings(QStringLiteral("herald"), QStringLiteral("herald")).clear();
    }
    void cleanup()
    {
        QSettings(QStringLiteral("herald"), QStringLiteral("herald")).clear();
        m_window.reset();
        m_broadcaster.reset();
        m_backends.clear();
    }

    // One backend answering differently is its own group, marked odd by word, icon and colour.
    void theOddBackendIsHighlighted_data()
    {
        QTest::addColumn<QByteArray>("oddBody");
        QTest::addColumn<QByteArray>("oddCache");
        QTest::newRow("body") << QByteArray("stale\n") << QByteArray("MISS");
        QTest::newRow("X-Cache") << QByteArray("ok\n") << QByteArray("HIT");
    }
    void theOddBackendIsHighlighted()
    {
        QFETCH(QByteArray, oddBody);
        QFETCH(QByteArray, oddCache);
        const QStringList urls = m_backends.start(3);
        for (int i = 0; i < 3; ++i)
            backend(i).setResponseHeaders({{"X-Cache", i == 1 ? oddCache : QByteArray("MISS")}});
        backend(1).setResponseBody(oddBody);
        openWindow();
        QCOMPARE(find<QLineEdit>("compareHeadersEdit")->text(), QStringLiteral("Age, X-Cache"));
        broadcast(request("GET", "/g"), urls);
        QCOMPARE(group(0), QStringLiteral("A"));
        QCOMPARE(group(1), QStringLiteral("B"));
        QCOMPARE(group(2), QStringLiteral("A"));
        TargetTableModel *model = m_window->resultsModel();
        QVERIFY(!model->index(1, TargetTableModel::GroupColumn).data(Qt::DecorationRole).isNull());
        QVERIFY(model->index(0, TargetTableModel::GroupColumn).data(Qt::DecorationRole).isNull());
        QVERIFY(!model->index(1, TargetTableModel::TargetColumn).data(Qt::BackgroundRole).isNull());
        QVERIFY(model->index(0, TargetTableModel::TargetColumn).data(Qt::BackgroundRole).isNull());
        QVERIFY(model->index(1, TargetTableModel::GroupColumn).data(Qt::ToolTipRole).toString().contains(QLatin1String("1 of 3")));
        QVERIFY(
            model->index(1, TargetTableModel::GroupColumn).data(Qt::AccessibleTextRole).toString().contains(QLatin1String("differs")));
        QVERIFY(
            !model->index(0, TargetTableModel::GroupColumn).data(Qt::AccessibleTextRole).toString().contains(QLatin1String("differs")));

        // Without X-Cache compared, a different X-Cache alone is no longer a different answer.
        find<QLineEdit>("compareHeadersEdit")->setText(QStringLiteral("Age"));
        QCOMPARE(group(1), oddBody == "ok\n" ? QStringLiteral("A") : QStringLiteral("B"));
        // The choice is kept for the next start.
        m_window->close();
        QCOMPARE(QSettings(QStringLiteral("herald"), QStringLiteral("herald")).value(QStringLiteral("compare/headers")).toString(),
                 QStringLiteral("Age"));
        openWindow();
        QCOMPARE(find<QLineEdit>("compareHeadersEdit")->text(), QStringLiteral("Age"));
    }

    // Two selected rows and Ctrl+D: both answers side by side, the differing lines marked.
    void compareMarksTheDifferingLines()
    {
        const QStringList urls = m_backends.start(2);
        backend(0).setResponseHeaders({{"X-Cache", "MISS"}, {"Age", "0"}});
        backend(1).setResponseHeaders({{"X-Cache", "HIT"}, {"Age", "0"}});
        backend(0).setResponseBody("title\nfresh\nend\n");
        backend(1).setResponseBody("title\nstale\nend\n");
        openWindow();
        broadcast(request("GET", "/c"), urls);
        select({0});
        QVERIFY(!find<QAction>("compareAction")->isEnabled());
        select({0, 1});
        QVERIFY(find<QAction>("compareAction")->isEnabled());
        QTest::keyClick(find<QTableView>("resultsView"), Qt::Key_D, Qt::ControlModifier);
        QTRY_VERIFY(m_window->findChild<CompareDialog *>());
        auto *dialog = m_window->findChild<CompareDialog *>();
        const auto marked = [dialog](const char *pane) {
            QStringList lines;
            for (const QString &line :
                 dialog->findChild<QPlainTextEdit *>(QLatin1String(pane))->toPlainText().split(QLatin1Char('\n'))) {
                if (line.startsWith(CompareDialog::marker))
                    lines << line.mid(2);
            }
            return lines;
        };
        QCOMPARE(marked("compareLeft"),
                 (QStringList{"X-Cache: MISS", QStringLiteral("X-Backend-Port: %1").arg(backend(0).port()), "fresh"}));
        QCOMPARE(marked("compareRight"),
                 (QStringList{"X-Cache: HIT", QStringLiteral("X-Backend-Port: %1").arg(backend(1).port()), "stale"}));
        QVERIFY(
            dialog->findChild<QPlainTextEdit *>(QStringLiteral("compareLeft"))->toPlainText().contains(QLatin1String("  Age: 0")));
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("compareSummary"))->text().startsWith(QLatin1String("6 of ")));
        dialog->reject();
    }

    // Copy as curl: one command per target that, run by a real curl, delivers the request Herald
    // sent; the loop form does the same for every target.
    void copyAsCurlSendsTheSameRequest()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty())
            QSKIP("no curl program installed");
        const QStringList urls = m_backends.start(2);
        openWindow();
        broadcast(request("PUT", "/item/7?x=1", {{"X-Reason", "it's new"}, {"Content-Type", "text/plain"}}, "v=2"), urls);
        QCOMPARE(backend(0).requestCount(), 1);
        select({1});
        find<QAction>("copyCurlAction")->trigger();
        const QString one = QGuiApplication::clipboard()->text();
        QCOMPARE(one.count(QLatin1Char('\n')), 1);
        QVERIFY2(one.startsWith(QLatin1String("curl -m 5 -X PUT ")), qPrintable(one));
        QVERIFY2(one.contains(urls.at(1) + QLatin1String("/item/7?x=1")), qPrintable(one));
        select({});
        find<QAction>("copyCurlAction")->trigger();
        const QString every = QGuiApplication::clipboard()->text();
        QCOMPARE(every.count(QLatin1Char('\n')), 2);
        QVERIFY(every.endsWith(one));
        QStringList quiet = every.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        for (QString &command : quiet)
            command += QLatin1String(" -s -o /dev/null");
        runShell(quiet.join(QLatin1Char('\n')));
        find<QAction>("copyCurlLoopAction")->trigger();
        const QString loop = QGuiApplication::clipboard()->text();
        QVERIFY2(loop.startsWith(QLatin1String("for url in ")), qPrintable(loop));
        runShell(QString(loop).replace(QLatin1String("\"$url\""), QLatin1String("-s -o /dev/null \"$url\"")));
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(backend(i).requestCount(), 3);
            const herald::test::RecordedRequest sent = backend(i).requests().at(0);
            for (int copy = 1; copy < 3; ++copy) {
                const herald::test::RecordedRequest again = backend(i).requests().at(copy);
                QCOMPARE(again.method, sent.method);
                QCOMPARE(again.target, sent.target);
                QCOMPARE(again.body, sent.body);
                for (const QByteArray name : {"X-Reason", "Content-Type", "Via", "X-Forwarded-Proto", "Host"})
                    QCOMPARE(again.header(name), sent.header(name));
            }
        }
    }

    // A pasted curl command fills method, path, headers and body; the broadcast sends them.
    void pastedCurlFillsTheComposer()
    {
        const QStringList urls = m_backends.start(1);
        openWindow();
        QGuiApplication::clipboard()->setText(QStringLiteral(
            "curl -X BAN -H 'X-Ban-Url: ^/product/' -H 'X-Reason: price' --data-raw 'a=1' 'http://varnish:6081/ban?all=1'"));
        find<QAction>("pasteCurlAction")->trigger();
        QTRY_VERIFY(m_window->findChild<PasteCurlDialog *>());
        auto *dialog = m_window->findChild<PasteCurlDialog *>();
        QVERIFY(dialog->editor()->toPlainText().startsWith(QLatin1String("curl -X BAN")));
        dialog->findChild<QPushButton *>(QStringLiteral("curlCommandOkButton"))->click();
        QTRY_VERIFY(!m_window->findChild<PasteCurlDialog *>());
        QCOMPARE(find<QComboBox>("methodCombo")->currentText(), QStringLiteral("BAN"));
        QCOMPARE(find<QLineEdit>("pathEdit")->text(), QStringLiteral("/ban?all=1"));
        auto *headers = find<QTableWidget>("headersTable");
        QCOMPARE(headers->rowCount(), 2);
        QCOMPARE(headers->item(0, 0)->text(), QStringLiteral("X-Ban-Url"));
        QCOMPARE(headers->item(0, 1)->text(), QStringLiteral("^/product/"));
        QVERIFY(m_window->statusBar()->currentMessage().contains(QLatin1String("http://varnish:6081")));
        find<QLineEdit>("targetsEdit")->setText(urls.at(0));
        find<QSpinBox>("retriesSpin")->setValue(0);
        // Offscreen, no window manager gives the activation back when the dialog closes.
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        QSignalSpy finished(m_window.get(), &MainWindow::broadcastFinished);
        QTest::keyClick(find<QLineEdit>("pathEdit"), Qt::Key_Return, Qt::ControlModifier);
        QVERIFY2(finished.wait(10000), qPrintable(m_window->statusBar()->currentMessage()));
        const herald::test::RecordedRequest sent = backend(0).requests().value(0);
        QCOMPARE(sent.method, QByteArray("BAN"));
        QCOMPARE(sent.target, QByteArray("/ban?all=1"));
        QCOMPARE(sent.header("X-Ban-Url"), QByteArray("^/product/"));
        QCOMPARE(sent.header("X-Reason"), QByteArray("price"));
        QCOMPARE(sent.body, QByteArray("a=1"));
    }

    // An option that changes the request in a way Herald cannot send is named, and nothing changes.
    void anUnsupportedCurlOptionIsNamed()
    {
        openWindow();
        find<QLineEdit>("pathEdit")->setText(QStringLiteral("/kept"));
        QGuiApplication::clipboard()->setText(QStringLiteral("curl --cookie a=b http://x/p"));
        find<QAction>("pasteCurlAction")->trigger();
        QTRY_VERIFY(m_window->findChild<PasteCurlDialog *>());
        auto *dialog = m_window->findChild<PasteCurlDialog *>();
        dialog->findChild<QPushButton *>(QStringLiteral("curlCommandOkButton"))->click();
        QVERIFY2(dialog->error().contains(QLatin1String("--cookie")), qPrintable(dialog->error()));
        QVERIFY(dialog->isVisible());
        QCOMPARE(find<QLineEdit>("pathEdit")->text(), QStringLiteral("/kept"));
        dialog->reject();
    }

    // Export writes every target's result; the file's name says the format.
    void exportWritesEveryTarget_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("json") << QStringLiteral("run.json");
        QTest::newRow("csv") << QStringLiteral("run.csv");
    }
    void exportWritesEveryTarget()
    {
        QFETCH(QString, name);
        const QStringList urls = m_backends.start(3);
        backend(2).setStatuses({500});
        backend(1).setResponseBody("other\n");
        openWindow();
        broadcast(request("PURGE", "/e"), urls);
        QTest::keyClick(find<QTableView>("resultsView"), Qt::Key_S, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_VERIFY(m_window->findChild<QFileDialog *>(QStringLiteral("exportDialog")));
        auto *dialog = m_window->findChild<QFileDialog *>(QStringLiteral("exportDialog"));
        const QString path = m_dir.filePath(name);
        QFile::remove(path);
        dialog->selectFile(path);
        QMetaObject::invokeMethod(dialog, "accept"); // the Save button's slot
        QTRY_VERIFY(QFile::exists(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        if (name.endsWith(QLatin1String(".json"))) {
            const QJsonArray targets = QJsonDocument::fromJson(bytes).object().value(QLatin1String("targets")).toArray();
            QCOMPARE(targets.size(), 3);
            for (int i = 0; i < 3; ++i) {
                QCOMPARE(targets.at(i).toObject().value(QLatin1String("target")).toString(), urls.at(i));
                QCOMPARE(targets.at(i).toObject().value(QLatin1String("group")).toInt(), i);
            }
            QCOMPARE(targets.at(2).toObject().value(QLatin1String("status")).toInt(), 500);
        } else {
            const QList<QByteArray> lines = bytes.trimmed().split('\n');
            QCOMPARE(lines.size(), 4);
            QVERIFY(lines.at(0).startsWith("target,outcome,status"));
            for (int i = 0; i < 3; ++i)
                QVERIFY2(lines.at(i + 1).startsWith(urls.at(i).toUtf8() + ','), lines.at(i + 1).constData());
            QVERIFY2(lines.at(3).contains(",http-error,500,"), lines.at(3).constData());
        }
        QVERIFY(m_window->statusBar()->currentMessage().contains(path));
    }

    // Preview shows each target's request after the header policy, and sends nothing.
    void previewSendsNothing()
    {
        const QStringList urls = m_backends.start(2);
        openWindow();
        compose(request("PURGE", "/p/1", {{"X-Reason", "price"}, {"Connection", "close"}, {"Cookie", "s=1"}}, "abc"), urls);
        QTest::keyClick(find<QLineEdit>("pathEdit"), Qt::Key_W, Qt::AltModifier);
        QTRY_VERIFY(m_window->findChild<PreviewDialog *>());
        auto *tree = m_window->findChild<PreviewDialog *>()->tree();
        QCOMPARE(tree->topLevelItemCount(), 2);
        for (int i = 0; i < 2; ++i) {
            QTreeWidgetItem *item = tree->topLevelItem(i);
            QCOMPARE(item->text(0), QStringLiteral("PURGE %1/p/1").arg(urls.at(i)));
            QVERIFY2(item->text(1).startsWith(QLatin1String("3 bytes")), qPrintable(item->text(1)));
            QStringList headers;
            for (int h = 0; h < item->childCount(); ++h)
                headers << item->child(h)->text(0);
            QVERIFY2(headers.contains(QStringLiteral("X-Reason: price")), qPrintable(headers.join(QLatin1Char('|'))));
            QVERIFY2(headers.contains(QStringLiteral("Content-Length: 3")), qPrintable(headers.join(QLatin1Char('|'))));
            // The policy drops hop-by-hop and sensitive headers and adds its Via hop.
            QVERIFY2(!headers.join(QLatin1Char('|')).contains(QLatin1String("Connection")),
                     qPrintable(headers.join(QLatin1Char('|'))));
            QVERIFY2(!headers.join(QLatin1Char('|')).contains(QLatin1String("Cookie")), qPrintable(headers.join(QLatin1Char('|'))));
            QVERIFY2(headers.join(QLatin1Char('|')).contains(QLatin1String("Via: ")), qPrintable(headers.join(QLatin1Char('|'))));
        }
        QVERIFY(m_window->statusBar()->currentMessage().contains(QLatin1String("nothing sent")));
        QVERIFY(!m_window->isBroadcasting());
        QCOMPARE(m_backends.totalRequests(), 0);
        QCOMPARE(m_window->resultsModel()->rowCount(), 0);
    }

    // Every input, view and button of the new dialogs has a name a screen reader can say.
    void theDialogsHaveAccessibleNames()
    {
        const QStringList urls = m_backends.start(2);
        openWindow();
        broadcast(request("GET", "/a"), urls);
        select({0, 1});
        find<QAction>("compareAction")->trigger();
        find<QAction>("pasteCurlAction")->trigger();
        find<QPushButton>("previewButton")->click();
        QTRY_VERIFY(m_window->findChild<PreviewDialog *>());
        QStringList unnamed;
        for (QDialog *dialog : {static_cast<QDialog *>(m_window->findChild<CompareDialog *>()),
                                static_cast<QDialog *>(m_window->findChild<PasteCurlDialog *>()),
                                static_cast<QDialog *>(m_window->findChild<PreviewDialog *>())}) {
            QVERIFY(dialog);
            for (QWidget *widget : dialog->findChildren<QWidget *>()) {
                const bool input = qobject_cast<QPlainTextEdit *>(widget) || qobject_cast<QPushButton *>(widget)
                                   || (qobject_cast<QAbstractItemView *>(widget) && !qobject_cast<QHeaderView *>(widget));
                if (!input)
                    continue; // a view's own header carries its columns' names
                QAccessibleInterface *face = QAccessible::queryAccessibleInterface(widget);
                if (!face || face->text(QAccessible::Name).trimmed().isEmpty())
                    unnamed << dialog->objectName() + QLatin1Char('/') + widget->objectName();
            }
        }
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
        QCOMPARE(find<QTableView>("resultsView")
                     ->model()
                     ->headerData(TargetTableModel::GroupColumn, Qt::Horizontal, Qt::AccessibleTextRole),
                 QVariant(QStringLiteral("Group")));
    }
};

QTEST_MAIN(TestGuiResults)
#include "tst_guiresults.moc"
