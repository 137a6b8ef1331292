// The desktop window driven like an operator would: real widgets, real loopback backends.
#include "backendpool.h"
#include "broadcast/broadcaster.h"
#include "composerwidget.h"
#include "historymodel.h"
#include "historywidget.h"
#include "mainwindow.h"
#include "profilepanel.h"
#include "store/profilestore.h"
#include "targettablemodel.h"
#include "testbackend.h"

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace herald;
using herald::test::TestBackend;

class TestGui : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    herald::test::BackendPool m_backends;
    std::unique_ptr<Broadcaster> m_broadcaster;
    std::unique_ptr<MainWindow> m_window;

    QString historyPath() const { return m_dir.filePath(QStringLiteral("history.sqlite")); }
    QString profileDir() const { return m_dir.filePath(QStringLiteral("profiles")); }

    QStringList startBackends(int count) { return m_backends.start(count); }
    TestBackend &backend(int i) { return m_backends.at(i); }

    void openWindow()
    {
        m_window.reset();
        m_broadcaster = std::make_unique<Broadcaster>();
        m_window = std::make_unique<MainWindow>(m_broadcaster.get(), profileDir(), historyPath());
        m_window->setConfirmationThreshold(-1);
        m_window->resize(1100, 760);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    template <typename T>
    T *find(const char *name)
    {
        T *widget = m_window->findChild<T *>(QString::fromLatin1(name));
        if (!widget)
            qFatal("no widget %s", name);
        return widget;
    }

    void compose(const QString &method, const QString &path, const QStringList &targets, int retries = 0)
    {
        find<QComboBox>("methodCombo")->setCurrentText(method);
        QLineEdit *pathEdit = find<QLineEdit>("pathEdit");
        pathEdit->clear();
        QTest::keyClicks(pathEdit, path);
        find<QComboBox>("sourceKindCombo")->setCurrentIndex(0);
        find<QLineEdit>("targetsEdit")->setText(targets.join(QStringLiteral(", ")));
        find<QSpinBox>("retriesSpin")->setValue(retries);
    }

    QString summary() { return find<QLabel>("summaryLabel")->text(); }
    QString state(int row) { return m_window->resultsModel()->index(row, TargetTableModel::StateColumn).data().toString(); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("herald-test"));
    }
    void cleanup()
    {
        m_window.reset();
        m_broadcaster.reset();
        m_backends.clear();
    }

    void banShowsEachTargetsStateAndCode()
    {
        const QStringList urls = startBackends(3);
        backend(2).setStatuses({500});
        openWindow();
        compose(QStringLiteral("BAN"), QStringLiteral("/product/42?lang=en"), urls);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QTRY_VERIFY2(summary().startsWith(QLatin1String("2/3 ok, 1 failed, ")), qPrintable(summary()));
        QCOMPARE(state(0), QStringLiteral("ok"));
        QCOMPARE(state(2), QStringLiteral("failed: http-error"));
        QCOMPARE(m_window->resultsModel()->index(2, TargetTableModel::CodeColumn).data().toInt(), 500);
        QVERIFY(m_window->resultsModel()->index(2, TargetTableModel::ErrorColumn).data().toString().contains(QLatin1String("500")));
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(backend(i).requests().first().method, QByteArray("BAN"));
            QCOMPARE(backend(i).requests().first().target, QByteArray("/product/42?lang=en"));
        }

        // Send again to the failed target only.
        backend(2).setStatuses({204});
        QTRY_VERIFY(find<QPushButton>("rerunFailedButton")->isEnabled());
        QTest::mouseClick(find<QPushButton>("rerunFailedButton"), Qt::LeftButton);
        QTRY_COMPARE(backend(2).requestCount(), 2);
        QTRY_VERIFY2(summary().startsWith(QLatin1String("1/1 ok, ")), qPrintable(summary()));
        QCOMPARE(backend(0).requestCount(), 1);
        QCOMPARE(backend(1).requestCount(), 1);
    }

    void ctrlReturnSendsAndAnUnreachableTargetFails()
    {
        const QStringList urls = startBackends(1);
        TestBackend closed;
        QVERIFY(closed.listen());
        const QString deadUrl = closed.url();
        closed.close();
        openWindow();
        compose(QStringLiteral("PURGE"), QStringLiteral("/a"), {urls.at(0), deadUrl});
        QTest::keyClick(find<QLineEdit>("pathEdit"), Qt::Key_Return, Qt::ControlModifier);
        QTRY_COMPARE(state(1), QStringLiteral("failed: refused"));
        QVERIFY(!m_window->resultsModel()->index(1, TargetTableModel::ErrorColumn).data().toString().isEmpty());
        QCOMPARE(state(0), QStringLiteral("ok"));
    }

    void cancelStopsABroadcast()
    {
        const QStringList urls = startBackends(2);
        backend(0).setBehaviour(TestBackend::Behaviour::Stall);
        backend(1).setBehaviour(TestBackend::Behaviour::Stall);
        openWindow();
        compose(QStringLiteral("PURGE"), QStringLiteral("/slow"), urls);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QTRY_COMPARE(backend(0).requestCount() + backend(1).requestCount(), 2);
        QTRY_COMPARE(state(0), QStringLiteral("sending"));
        QTest::mouseClick(find<QPushButton>("cancelButton"), Qt::LeftButton);
        QTRY_COMPARE(state(0), QStringLiteral("cancelled"));
        QCOMPARE(state(1), QStringLiteral("cancelled"));
        QTRY_VERIFY(find<QPushButton>("sendButton")->isEnabled());
    }

    void profileWithParametersRoundTrips()
    {
        const QStringList urls = startBackends(1);
        openWindow();
        compose(QStringLiteral("PURGE"), QStringLiteral("/product/{id}"), urls);
        auto *panel = m_window->findChild<ProfilePanel *>();
        QVERIFY(panel);
        Q_EMIT panel->saveRequested(QStringLiteral("purge-product")); // what "New" does after asking the name
        Profile saved;
        QVERIFY(ProfileStore(profileDir()).load(QStringLiteral("purge-product"), &saved, nullptr));
        QCOMPARE(saved.path, QStringLiteral("/product/{id}"));
        QCOMPARE(saved.method, QByteArray("PURGE"));

        compose(QStringLiteral("GET"), QStringLiteral("/elsewhere"), urls);
        panel->select(QStringLiteral("purge-product"));
        QTRY_COMPARE(find<QLineEdit>("pathEdit")->text(), QStringLiteral("/product/{id}"));
        QLineEdit *id = find<QLineEdit>("param_id");
        QTest::keyClicks(id, QStringLiteral("42"));
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QTRY_COMPARE(backend(0).requestCount(), 1);
        QCOMPARE(backend(0).requests().first().target, QByteArray("/product/42"));
        QCOMPARE(backend(0).requests().first().method, QByteArray("PURGE"));
    }

    void historySurvivesARestartAndKeepsItsRetention()
    {
        QFile::remove(historyPath());
        const QStringList urls = startBackends(1);
        openWindow();
        m_window->setHistoryRetention(2, 0);
        for (int i = 0; i < 3; ++i) {
            compose(QStringLiteral("PURGE"), QStringLiteral("/h%1").arg(i), urls);
            QSignalSpy finished(m_window.get(), &MainWindow::broadcastFinished);
            QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
            QVERIFY(finished.wait(10000));
        }
        QTRY_COMPARE(m_window->historyWidget()->model()->rowCount(), 2);
        openWindow(); // a new window reads the same database
        QTRY_COMPARE(m_window->historyWidget()->model()->rowCount(), 2);
        QCOMPARE(m_window->historyWidget()->model()->entry(0).request.pathAndQuery, QByteArray("/h2"));
        QCOMPARE(m_window->historyWidget()->model()->entry(1).request.pathAndQuery, QByteArray("/h1"));
    }

    void corruptHistoryIsReportedAndTheAppStillWorks()
    {
        QFile file(historyPath());
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(QByteArray(8192, 'Z'));
        file.close();
        const QStringList urls = startBackends(1);
        openWindow();
        QTRY_VERIFY(m_window->statusBar()->currentMessage().contains(QLatin1String("History unavailable")));
        compose(QStringLiteral("PURGE"), QStringLiteral("/still-works"), urls);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QTRY_COMPARE(backend(0).requestCount(), 1);
        QFile::remove(historyPath());
    }

    // HERALD_SCREENSHOT=docs/screenshot.png tst_gui screenshot: the README's picture.
    void screenshot()
    {
        const QString path = qEnvironmentVariable("HERALD_SCREENSHOT");
        if (path.isEmpty())
            QSKIP("set HERALD_SCREENSHOT=FILE to write a screenshot of the main window");
        const QStringList urls = startBackends(6);
        backend(4).setStatuses({503});
        backend(5).setDelayMs(300);
        openWindow();
        compose(QStringLiteral("PURGE"), QStringLiteral("/product/42?lang=en"), urls, 1);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QSignalSpy finished(m_window.get(), &MainWindow::broadcastFinished);
        QVERIFY(finished.wait(10000));
        // The history panel shows the broadcast once the history thread has recorded it.
        QTRY_VERIFY(m_window->historyWidget()->model()->rowCount() > 0
                    && m_window->historyWidget()->model()->entry(0).request.pathAndQuery == "/product/42?lang=en");
        QVERIFY(m_window->grab().save(path));
    }
};

QTEST_MAIN(TestGui)
#include "tst_gui.moc"
