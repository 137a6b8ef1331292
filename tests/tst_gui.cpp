// The desktop window driven like an operator would: real widgets, real loopback backends.
#include "backendpool.h"
#include "broadcast/broadcaster.h"
#include "composerwidget.h"
#include "grouppanel.h"
#include "historymodel.h"
#include "historywidget.h"
#include "mainwindow.h"
#include "profilepanel.h"
#include "store/groupstore.h"
#include "store/profilestore.h"
#include "targets/targetspectext.h"

#include "serveprocess.h"
#include "store/storelocation.h"
#include "targettablemodel.h"
#include "testbackend.h"
#include "testpki.h"

#include <QAbstractButton>
#include <QAccessible>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QFile>
#include <QFileDialog>
#include <QHeaderView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTableWidget>
#include <QTabWidget>
#include <QTimer>
#include <QLabel>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

using namespace herald;
using herald::test::TestBackend;

// Answers every modal dialog the window opens (confirmation, "discard edits?", file dialogs), as an
// operator would, and records what it showed: its text, its default button and the status bar then.
class DialogWatcher : public QObject
{
public:
    std::function<void(QWidget *)> answer = [](QWidget *dialog) { static_cast<QDialog *>(dialog)->reject(); };
    QStringList texts;
    QStringList defaultButtons;
    QStringList statusWhileOpen;
    int seen = 0;

    DialogWatcher()
    {
        m_timer.setInterval(10);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] { poll(); });
        m_timer.start();
    }
    static QString textOf(QWidget *dialog)
    {
        QString text;
        if (auto *box = qobject_cast<QMessageBox *>(dialog))
            text += box->text() + QLatin1Char('\n') + box->informativeText() + QLatin1Char('\n');
        for (QLabel *label : dialog->findChildren<QLabel *>())
            text += label->text() + QLatin1Char('\n');
        for (QPlainTextEdit *edit : dialog->findChildren<QPlainTextEdit *>())
            text += edit->toPlainText() + QLatin1Char('\n');
        return text;
    }

private:
    void poll()
    {
        QWidget *dialog = QApplication::activeModalWidget();
        if (!dialog || dialog == m_current)
            return;
        m_current = dialog;
        ++seen;
        texts.append(textOf(dialog));
        QString defaultButton;
        for (QPushButton *button : dialog->findChildren<QPushButton *>()) {
            if (button->isDefault())
                defaultButton = button->text().remove(QLatin1Char('&'));
        }
        defaultButtons.append(defaultButton);
        auto *window = qobject_cast<QMainWindow *>(dialog->parentWidget() ? dialog->parentWidget()->window() : nullptr);
        statusWhileOpen.append(window ? window->statusBar()->currentMessage() : QString());
        if (answer)
            answer(dialog);
    }
    QTimer m_timer;
    QPointer<QWidget> m_current;
};

class TestGui : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    herald::test::BackendPool m_backends;
    std::unique_ptr<Broadcaster> m_broadcaster;
    std::unique_ptr<MainWindow> m_window;

    QString historyPath() const { return m_dir.filePath(QStringLiteral("history.sqlite")); }
    QString profileDir() const { return m_dir.filePath(QStringLiteral("profiles")); }
    // Where the window keeps groups: beside the profiles.
    GroupStore groupStore() const { return GroupStore(m_dir.filePath(QStringLiteral("groups"))); }
    void saveGroup(const QString &name, const QStringList &lines)
    {
        TargetGroup group;
        group.name = name;
        QVERIFY(TargetSpecText::parse(lines.join(QLatin1Char('\n')), &group.targets).isEmpty());
        QString error;
        QVERIFY2(groupStore().save(group, &error), qPrintable(error));
    }
    void showGroupsTab() { find<QTabWidget>("tabs")->setCurrentWidget(find<GroupPanel>("groupPanel")); }
    void checkGroup(const QString &name)
    {
        const QList<QListWidgetItem *> items = find<QListWidget>("groupPicker")->findItems(name, Qt::MatchExactly);
        QCOMPARE(items.size(), 1);
        items.first()->setCheckState(Qt::Checked);
    }

    QStringList startBackends(int count) { return m_backends.start(count); }
    TestBackend &backend(int i) { return m_backends.at(i); }

    void openWindow(bool confirm = false, bool resize = true)
    {
        m_window.reset();
        m_broadcaster = std::make_unique<Broadcaster>();
        m_window = std::make_unique<MainWindow>(m_broadcaster.get(), profileDir(), historyPath());
        if (!confirm)
            m_window->setConfirmationThreshold(-1);
        if (resize)
            m_window->resize(1100, 760);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    template <typename T> T *find(const char *name)
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
        QSettings(QStringLiteral("herald"), QStringLiteral("herald")).clear();
    }
    void cleanup()
    {
        // Each case starts from no saved window state (QSettings goes to the test-mode folder).
        QSettings(QStringLiteral("herald"), QStringLiteral("herald")).clear();
        m_window.reset();
        m_broadcaster.reset();
        m_backends.clear();
        QDir(groupStore().directory()).removeRecursively();
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

    // Every method but GET, HEAD and OPTIONS asks first, whatever its case; No is the default.
    void confirmationCoversUnsafeMethodsInAnyCase_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<bool>("asks");
        QTest::newRow("purge") << "purge" << true;
        QTest::newRow("Ban") << "Ban" << true;
        QTest::newRow("delete") << "delete" << true;
        QTest::newRow("POST") << "POST" << true;
        QTest::newRow("REFRESH") << "REFRESH" << true;
        QTest::newRow("get") << "get" << false;
        QTest::newRow("HEAD") << "HEAD" << false;
        QTest::newRow("options") << "options" << false;
    }
    void confirmationCoversUnsafeMethodsInAnyCase()
    {
        QFETCH(QString, method);
        QFETCH(bool, asks);
        const QStringList urls = startBackends(2);
        openWindow(true);
        m_window->setConfirmationThreshold(1);
        DialogWatcher dialogs;
        compose(method, QStringLiteral("/c"), urls);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        if (asks) {
            QTRY_COMPARE(dialogs.seen, 1);
            QCOMPARE(dialogs.defaultButtons.first(), QStringLiteral("No"));
            QTRY_VERIFY(find<QPushButton>("sendButton")->isEnabled());
            QCOMPARE(backend(0).requestCount() + backend(1).requestCount(), 0);
            QCOMPARE(m_window->statusBar()->currentMessage(), QStringLiteral("Not sent"));
        } else {
            QTRY_COMPARE(backend(0).requestCount() + backend(1).requestCount(), 2);
            QCOMPARE(dialogs.seen, 0);
        }
    }

    // The dialog shows the exact request: method, filled path, headers, body size, the targets.
    void confirmationShowsTheWholeRequest()
    {
        const QStringList urls = startBackends(3);
        openWindow(true);
        m_window->setConfirmationThreshold(1);
        compose(QStringLiteral("BAN"), QStringLiteral("/p/{id}"), urls);
        find<QPushButton>("addHeaderButton")->click();
        auto *headers = find<QTableWidget>("headersTable");
        headers->item(0, 0)->setText(QStringLiteral("X-Ban-Url"));
        headers->item(0, 1)->setText(QStringLiteral("^/p/{id}"));
        find<QPlainTextEdit>("bodyEdit")->setPlainText(QStringLiteral("12345"));
        auto *panel = m_window->findChild<ProfilePanel *>();
        Q_EMIT panel->saveRequested(QStringLiteral("ban-id"));
        QTRY_VERIFY(m_window->findChild<QLineEdit *>(QStringLiteral("param_id")));
        QTest::keyClicks(find<QLineEdit>("param_id"), QStringLiteral("42"));
        DialogWatcher dialogs;
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QTRY_COMPARE(dialogs.seen, 1);
        const QString text = dialogs.texts.first();
        QVERIFY2(text.contains(QLatin1String("BAN /p/42")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("X-Ban-Url: ^/p/42")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("5 bytes")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("3 targets")), qPrintable(text));
        QVERIFY2(text.contains(urls.at(0)), qPrintable(text));
        // While the operator reads it, the status bar does not claim to be resolving.
        QVERIFY2(!dialogs.statusWhileOpen.first().startsWith(QLatin1String("Resolving")),
                 qPrintable(dialogs.statusWhileOpen.first()));
    }

    // Ctrl+Return, then Ctrl+Return and Return again at the dialog: nothing is sent.
    void repeatedShortcutAtTheDialogSendsNothing()
    {
        const QStringList urls = startBackends(2);
        openWindow(true);
        m_window->setConfirmationThreshold(1);
        DialogWatcher dialogs;
        dialogs.answer = [](QWidget *dialog) {
            QTest::keyClick(dialog, Qt::Key_Return, Qt::ControlModifier);
            QTest::keyClick(dialog, Qt::Key_Return, Qt::ControlModifier);
            if (dialog->isVisible())
                QTest::keyClick(dialog, Qt::Key_Return);
        };
        compose(QStringLiteral("PURGE"), QStringLiteral("/twice"), urls);
        QTest::keyClick(find<QLineEdit>("pathEdit"), Qt::Key_Return, Qt::ControlModifier);
        QTRY_VERIFY(dialogs.seen >= 1);
        QTRY_VERIFY(!QApplication::activeModalWidget());
        QTRY_VERIFY(find<QPushButton>("sendButton")->isEnabled());
        QCOMPARE(dialogs.seen, 1);
        QCOMPARE(backend(0).requestCount() + backend(1).requestCount(), 0);
    }

    // Above the typing threshold, Send stays disabled until the target count is typed.
    void manyTargetsAskForTheCountToBeTyped()
    {
        const QStringList urls = startBackends(4);
        openWindow(true);
        m_window->setConfirmationThreshold(1);
        m_window->setTypedConfirmationThreshold(3);
        DialogWatcher dialogs;
        bool disabledBeforeTyping = false;
        dialogs.answer = [&](QWidget *dialog) {
            auto *edit = dialog->findChild<QLineEdit *>(QStringLiteral("confirmCountEdit"));
            QPushButton *yes = dialog->findChild<QPushButton *>(QStringLiteral("confirmYesButton"));
            if (!edit || !yes)
                return static_cast<QDialog *>(dialog)->reject();
            disabledBeforeTyping = !yes->isEnabled();
            QTest::keyClicks(edit, QStringLiteral("4"));
            yes->click();
        };
        compose(QStringLiteral("PURGE"), QStringLiteral("/many"), urls);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QTRY_COMPARE(backend(0).requestCount() + backend(1).requestCount() + backend(2).requestCount() + backend(3).requestCount(),
                     4);
        QVERIFY(disabledBeforeTyping);
    }

    // The list of methods that need no confirmation can be changed.
    void safeMethodsCanBeChanged()
    {
        const QStringList urls = startBackends(2);
        openWindow(true);
        m_window->setConfirmationThreshold(1);
        m_window->setSafeMethods({QStringLiteral("GET"), QStringLiteral("purge")});
        DialogWatcher dialogs;
        compose(QStringLiteral("PURGE"), QStringLiteral("/ok"), urls);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QTRY_COMPARE(backend(0).requestCount() + backend(1).requestCount(), 2);
        QCOMPARE(dialogs.seen, 0);
    }

    void historyFilterHidingTheSelectionClearsIt()
    {
        QFile::remove(historyPath());
        const QStringList urls = startBackends(1);
        openWindow();
        for (const QString &path : {QStringLiteral("/first"), QStringLiteral("/second")}) {
            compose(QStringLiteral("PURGE"), path, urls);
            QSignalSpy finished(m_window.get(), &MainWindow::broadcastFinished);
            QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
            QVERIFY(finished.wait(10000));
        }
        HistoryWidget *history = m_window->historyWidget();
        QTRY_COMPARE(history->model()->rowCount(), 2);
        auto *view = find<QTableView>("historyView");
        view->setCurrentIndex(view->model()->index(1, 0)); // /first
        QTRY_COMPARE(history->resultsModel()->rowCount(), 1);
        find<QLineEdit>("historyFilter")->setText(QStringLiteral("second"));
        QTRY_COMPARE(history->model()->rowCount(), 1);
        QTRY_COMPARE(history->resultsModel()->rowCount(), 0);
        QVERIFY(!find<QPushButton>("historyRerunButton")->isEnabled());
        QTest::mouseClick(find<QPushButton>("historyRerunButton"), Qt::LeftButton);
        QCOMPARE(backend(0).requestCount(), 2);
    }

    // Answering No to a rerun from the history leaves the composer as it was.
    void historyRerunAnsweredNoKeepsTheComposer()
    {
        QFile::remove(historyPath());
        const QStringList urls = startBackends(2);
        openWindow();
        compose(QStringLiteral("PURGE"), QStringLiteral("/old"), urls);
        QSignalSpy finished(m_window.get(), &MainWindow::broadcastFinished);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        QTRY_COMPARE(m_window->historyWidget()->model()->rowCount(), 1);
        compose(QStringLiteral("GET"), QStringLiteral("/being-edited"), urls);
        m_window->setConfirmationThreshold(1);
        DialogWatcher dialogs;
        auto *view = find<QTableView>("historyView");
        view->setCurrentIndex(view->model()->index(0, 0));
        QTRY_VERIFY(find<QPushButton>("historyRerunButton")->isEnabled());
        QTRY_COMPARE(m_window->historyWidget()->resultsModel()->rowCount(), 2);
        QTest::mouseClick(find<QPushButton>("historyRerunButton"), Qt::LeftButton);
        QTRY_COMPARE(dialogs.seen, 1);
        QTRY_VERIFY(!QApplication::activeModalWidget());
        QCOMPARE(find<QLineEdit>("pathEdit")->text(), QStringLiteral("/being-edited"));
        QCOMPARE(backend(0).requestCount(), 1);
    }

    // History names the profile only when its request went out as the profile says.
    void historyNamesTheProfileOnlyWhenUnedited()
    {
        QFile::remove(historyPath());
        const QStringList urls = startBackends(1);
        openWindow();
        compose(QStringLiteral("PURGE"), QStringLiteral("/as-saved"), urls);
        Q_EMIT m_window->findChild<ProfilePanel *>()->saveRequested(QStringLiteral("named"));
        QTRY_COMPARE(find<QLineEdit>("pathEdit")->text(), QStringLiteral("/as-saved"));
        QSignalSpy finished(m_window.get(), &MainWindow::broadcastFinished);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        find<QLineEdit>("pathEdit")->setText(QStringLiteral("/edited"));
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        HistoryModel *history = m_window->historyWidget()->model();
        QTRY_COMPARE(history->rowCount(), 2);
        QCOMPARE(history->entry(0).request.pathAndQuery, QByteArray("/edited"));
        QCOMPARE(history->entry(0).profile, QString());
        QCOMPARE(history->entry(1).profile, QStringLiteral("named"));
    }

    // A history entry shows its face, the request's headers, a summary of its body, and each
    // target's code, attempts and error.
    void historyShowsHeadersBodyAndEachTarget()
    {
        QFile::remove(historyPath());
        const QStringList urls = startBackends(2);
        backend(1).setStatuses({503});
        openWindow();
        compose(QStringLiteral("POST"), QStringLiteral("/hook"), urls);
        find<QPushButton>("addHeaderButton")->click();
        auto *headers = find<QTableWidget>("headersTable");
        headers->item(0, 0)->setText(QStringLiteral("Content-Type"));
        headers->item(0, 1)->setText(QStringLiteral("application/json"));
        const QString body = QStringLiteral("{\"event\": \"price\", \"id\": 42}");
        find<QPlainTextEdit>("bodyEdit")->setPlainText(body);
        QSignalSpy finished(m_window.get(), &MainWindow::broadcastFinished);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        HistoryModel *model = m_window->historyWidget()->model();
        QTRY_COMPARE(model->rowCount(), 1);
        const QString bodySummary = QStringLiteral("%1 bytes, application/json: \"%2\"").arg(body.size()).arg(body);
        QCOMPARE(model->index(0, HistoryModel::FaceColumn).data().toString(), QStringLiteral("gui"));
        QCOMPARE(model->index(0, HistoryModel::HeadersColumn).data().toString(), QStringLiteral("Content-Type: application/json"));
        QCOMPARE(model->index(0, HistoryModel::BodyColumn).data().toString(), bodySummary);

        auto *view = find<QTableView>("historyView");
        view->setCurrentIndex(view->model()->index(0, 0));
        TargetTableModel *results = m_window->historyWidget()->resultsModel();
        QTRY_COMPARE(results->rowCount(), 2);
        QCOMPARE(results->index(0, TargetTableModel::CodeColumn).data().toString(), QStringLiteral("200"));
        QCOMPARE(results->index(1, TargetTableModel::CodeColumn).data().toString(), QStringLiteral("503"));
        QCOMPARE(results->index(1, TargetTableModel::AttemptsColumn).data().toString(), QStringLiteral("1"));
        QCOMPARE(results->result(1).outcome, TargetOutcome::HttpError);
        QVERIFY(!results->index(1, TargetTableModel::LatencyColumn).data().toString().isEmpty());
        const QString request = find<QPlainTextEdit>("historyRequest")->toPlainText();
        QCOMPARE(request, QStringLiteral("POST /hook\nContent-Type: application/json\nbody: ") + bodySummary);
    }

    // "Send again to failed" on a history entry asks with the failed targets only, and only they
    // receive the same request again.
    void historySendAgainToFailedReachesOnlyTheFailed()
    {
        QFile::remove(historyPath());
        const QStringList urls = startBackends(3);
        backend(1).setStatuses({503});
        backend(2).setStatuses({500, 200});
        openWindow();
        compose(QStringLiteral("PURGE"), QStringLiteral("/stale?lang=en"), urls);
        QSignalSpy finished(m_window.get(), &MainWindow::broadcastFinished);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        compose(QStringLiteral("GET"), QStringLiteral("/something-else"), {urls.at(0)}); // the last send is not the entry
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        QCOMPARE(backend(0).requestCount(), 2);

        HistoryWidget *history = m_window->historyWidget();
        QTRY_COMPARE(history->model()->rowCount(), 2);
        auto *view = find<QTableView>("historyView");
        view->setCurrentIndex(view->model()->index(1, 0)); // the PURGE
        auto *again = find<QPushButton>("historyRerunFailedButton");
        QTRY_VERIFY(again->isEnabled());
        m_window->setConfirmationThreshold(1);
        DialogWatcher dialogs;
        dialogs.answer = [](QWidget *dialog) { dialog->findChild<QPushButton *>(QStringLiteral("confirmYesButton"))->click(); };
        QTest::mouseClick(again, Qt::LeftButton);
        QTRY_COMPARE(dialogs.seen, 1);
        const QString asked = dialogs.texts.first();
        QVERIFY2(asked.contains(QLatin1String("2 targets")), qPrintable(asked));
        QVERIFY2(asked.contains(urls.at(1)) && asked.contains(urls.at(2)), qPrintable(asked));
        QVERIFY2(!asked.contains(urls.at(0)), qPrintable(asked));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 10000);
        QCOMPARE(backend(0).requestCount(), 2);
        QCOMPARE(backend(1).requestCount(), 2);
        QCOMPARE(backend(2).requestCount(), 2);
        for (int i : {1, 2}) {
            QCOMPARE(backend(i).requests().last().method, QByteArray("PURGE"));
            QCOMPARE(backend(i).requests().last().target, QByteArray("/stale?lang=en"));
        }
        // The rerun is an entry of its own, with only the two it went to.
        QTRY_COMPARE(history->model()->rowCount(), 3);
        QCOMPARE(history->model()->entry(0).summary.total, 2);
        QCOMPARE(history->model()->entry(0).summary.succeeded, 1);
    }

    // A profile run through serve's admin API is recorded at the shared location (the same
    // XDG folders as tst_sharedstore); the open window lists it, with its face "admin", once the
    // History tab is shown again.
    void anAdminApiRunAppearsInTheHistory()
    {
        const QStringList urls = startBackends(1);
        const StoreLocation location(m_dir.filePath(QStringLiteral("config/herald")),
                                     m_dir.filePath(QStringLiteral("data/herald")));
        QVERIFY(QDir().mkpath(location.profileDirectory()));
        QFile profile(location.profileDirectory() + QStringLiteral("/admin-run.json"));
        QVERIFY(profile.open(QIODevice::WriteOnly));
        profile.write("{\"name\": \"admin-run\", \"method\": \"PURGE\", \"path\": \"/from/admin/{id}\", \"retries\": 0}");
        profile.close();
        m_broadcaster = std::make_unique<Broadcaster>();
        m_window = std::make_unique<MainWindow>(m_broadcaster.get(), location.profileDirectory(), location.historyPath());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        HistoryModel *model = m_window->historyWidget()->model();
        QCOMPARE(model->rowCount(), 0);

        herald::test::ServeProcess serve;
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("HOME"), m_dir.path());
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        environment.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        environment.insert(QStringLiteral("HERALD_TARGETS"), urls.first());
        environment.insert(QStringLiteral("HERALD_ADMIN_TOKEN"), QStringLiteral("admin-secret-for-the-test"));
        QVERIFY2(serve.start(environment), serve.errorOutput().constData());
        const auto reply = serve.send("POST", "/_herald/profiles/admin-run/run?id=7",
                                      {{"Authorization", "Bearer admin-secret-for-the-test"}});
        QCOMPARE(reply.status, 200);
        QCOMPARE(backend(0).requests().first().target, QByteArray("/from/admin/7"));
        QCOMPARE(serve.terminate(), 0); // serve writes what is queued before it exits

        find<QTabWidget>("tabs")->setCurrentWidget(m_window->historyWidget());
        QTRY_COMPARE(model->rowCount(), 1);
        QCOMPARE(model->index(0, HistoryModel::FaceColumn).data().toString(), QStringLiteral("admin"));
        QCOMPARE(model->index(0, HistoryModel::PathColumn).data().toString(), QStringLiteral("/from/admin/7"));
        QCOMPARE(model->index(0, HistoryModel::ProfileColumn).data().toString(), QStringLiteral("admin-run"));
        QCOMPARE(model->index(0, HistoryModel::TargetsColumn).data().toString(), QStringLiteral("1/1 ok"));
    }

    // Walking the profile list with the arrow keys does not throw away an edited request.
    void arrowKeysInTheProfileListKeepEdits()
    {
        const QStringList urls = startBackends(1);
        openWindow();
        auto *panel = m_window->findChild<ProfilePanel *>();
        compose(QStringLiteral("PURGE"), QStringLiteral("/a"), urls);
        Q_EMIT panel->saveRequested(QStringLiteral("a-profile"));
        compose(QStringLiteral("PURGE"), QStringLiteral("/b"), urls);
        Q_EMIT panel->saveRequested(QStringLiteral("b-profile"));
        panel->select(QStringLiteral("a-profile"));
        QTRY_COMPARE(find<QLineEdit>("pathEdit")->text(), QStringLiteral("/a"));
        find<QLineEdit>("pathEdit")->setText(QStringLiteral("/a-edited"));
        DialogWatcher dialogs; // a "discard your edits?" question is answered No
        auto *list = find<QListView>("profileList");
        list->setFocus();
        QTest::keyClick(list, Qt::Key_Down);
        QTest::keyClick(list, Qt::Key_Return);
        QTRY_VERIFY(!QApplication::activeModalWidget());
        QCOMPARE(find<QLineEdit>("pathEdit")->text(), QStringLiteral("/a-edited"));
    }

    void aProfileWithoutRetriesOrTimeoutLoadsTheDefaults()
    {
        const QStringList urls = startBackends(1);
        openWindow();
        auto *panel = m_window->findChild<ProfilePanel *>();
        Profile bare;
        bare.name = QStringLiteral("bare");
        bare.method = "PURGE";
        QVERIFY(ProfileStore(profileDir()).save(bare, nullptr));
        compose(QStringLiteral("PURGE"), QStringLiteral("/tuned"), urls, 7);
        find<QSpinBox>("timeoutSpin")->setValue(1234);
        Q_EMIT panel->saveRequested(QStringLiteral("tuned"));
        QTRY_COMPARE(find<QSpinBox>("retriesSpin")->value(), 7);
        panel->select(QStringLiteral("bare"));
        QTRY_COMPARE(find<QLineEdit>("pathEdit")->text(), QStringLiteral("/"));
        QCOMPARE(find<QSpinBox>("retriesSpin")->value(), 2);
        QCOMPARE(find<QSpinBox>("timeoutSpin")->value(), 5000);
    }

    // Headers, body and the window's size come back after a restart.
    void aRestartRestoresHeadersBodyAndWindowSize()
    {
        const QStringList urls = startBackends(1);
        openWindow();
        compose(QStringLiteral("BAN"), QStringLiteral("/r"), urls);
        find<QPushButton>("addHeaderButton")->click();
        auto *headers = find<QTableWidget>("headersTable");
        headers->item(0, 0)->setText(QStringLiteral("X-Ban-Url"));
        headers->item(0, 1)->setText(QStringLiteral("^/r"));
        find<QPlainTextEdit>("bodyEdit")->setPlainText(QStringLiteral("the body"));
        m_window->resize(950, 640);
        QTRY_COMPARE(m_window->size(), QSize(950, 640));
        QVERIFY(m_window->close());
        openWindow(false, false);
        QCOMPARE(m_window->size(), QSize(950, 640));
        headers = find<QTableWidget>("headersTable");
        QCOMPARE(headers->rowCount(), 1);
        QCOMPARE(headers->item(0, 0)->text(), QStringLiteral("X-Ban-Url"));
        QCOMPARE(headers->item(0, 1)->text(), QStringLiteral("^/r"));
        QCOMPARE(find<QPlainTextEdit>("bodyEdit")->toPlainText(), QStringLiteral("the body"));
    }

    // An empty {prefix} is shown beside its field, and Send stays disabled until it is filled.
    void anEmptyParameterIsShownBesideItsField()
    {
        const QStringList urls = startBackends(1);
        openWindow();
        compose(QStringLiteral("BAN"), QStringLiteral("/"), urls);
        find<QPushButton>("addHeaderButton")->click();
        auto *headers = find<QTableWidget>("headersTable");
        headers->item(0, 0)->setText(QStringLiteral("X-Ban-Url"));
        headers->item(0, 1)->setText(QStringLiteral("^{prefix}"));
        Q_EMIT m_window->findChild<ProfilePanel *>()->saveRequested(QStringLiteral("ban-prefix"));
        QTRY_VERIFY(m_window->findChild<QLineEdit *>(QStringLiteral("param_prefix")));
        QTRY_VERIFY(!find<QPushButton>("sendButton")->isEnabled());
        auto *error = find<QLabel>("param_prefix_error");
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QLatin1String("empty")), qPrintable(error->text()));
        QTest::keyClicks(find<QLineEdit>("param_prefix"), QStringLiteral("/p/"));
        QTRY_VERIFY(find<QPushButton>("sendButton")->isEnabled());
        QVERIFY(!error->isVisible());
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QTRY_COMPARE(backend(0).requestCount(), 1);
        QCOMPARE(backend(0).requests().first().header("X-Ban-Url"), QByteArray("^/p/"));
    }

    // The targets' settings the composer has no field for ("tls", "pathPrefix"...) survive a load
    // and a toProfile, so a profile sent or saved from the window keeps its TLS.
    void theComposerKeepsTheTargetsTls()
    {
        const QByteArray json = "{\"name\": \"p\", \"method\": \"PURGE\", \"path\": \"/x\", \"targets\": {\"srv\": "
                                "\"_https._tcp.web\", \"scheme\": \"https\", \"pathPrefix\": \"/api\", "
                                "\"tls\": {\"serverName\": \"backend.test\", \"verify\": false}}}";
        Profile loaded;
        QString error;
        QVERIFY2(Profile::fromJson(QJsonDocument::fromJson(json).object(), &loaded, &error), qPrintable(error));
        ComposerWidget composer;
        composer.load(loaded);
        Profile composed;
        QCOMPARE(composer.toProfile(QStringLiteral("p"), &composed), QString());
        QVERIFY(composed.targets.tls);
        QCOMPARE(composed.targets.tls->serverName, QStringLiteral("backend.test"));
        QCOMPARE(composed.targets.tls->verify, std::optional<bool>(false));
        QCOMPARE(composed.targets.pathPrefix, QStringLiteral("/api"));
        QCOMPARE(composed.targets.toJson(), loaded.targets.toJson());
    }

    // A field error is shown in the composer in its own words, not the profile file's.
    void aComposerErrorIsShownInTheComposer()
    {
        openWindow();
        compose(QStringLiteral("PURGE"), QStringLiteral("/x"), {QStringLiteral("ftp://nowhere")});
        QTRY_VERIFY(!find<QPushButton>("sendButton")->isEnabled());
        auto *error = find<QLabel>("composerError");
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().startsWith(QLatin1String("Targets: ")), qPrintable(error->text()));
        QVERIFY2(!error->text().contains(QLatin1String("field \"")), qPrintable(error->text()));
    }

    // A file loaded as the body is sent byte for byte, NULs and invalid UTF-8 included.
    void aBinaryBodyFileIsSentByteForByte()
    {
        const QStringList urls = startBackends(1);
        const QByteArray bytes("\x00\xff\xfe"
                               "abc\x00\xc3\x28",
                               8);
        const QString path = m_dir.filePath(QStringLiteral("body.bin"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
        file.close();
        openWindow();
        compose(QStringLiteral("PUT"), QStringLiteral("/blob"), urls);
        DialogWatcher dialogs;
        QStringList chosen;
        dialogs.answer = [path, &chosen](QWidget *dialog) {
            if (auto *files = qobject_cast<QFileDialog *>(dialog)) {
                // selectFile() leaves the file-name field alone while it has the focus, and whether
                // the dialog was activated before this poll depends on the load (a CI run sent an
                // empty body: the dialog had answered with no file). A user clicks the file; here
                // the focus is taken away first, and what the dialog answers is checked below.
                if (QWidget *focused = files->focusWidget())
                    focused->clearFocus();
                files->selectFile(path);
                chosen = files->selectedFiles();
                // done(), not accept(): QFileDialog::accept() validates against its file-system
                // model, which under load may not have read the folder yet and then keeps the
                // dialog open; the watcher answers a dialog once, so the test hung until its timeout.
                static_cast<QDialog *>(files)->done(QDialog::Accepted);
            }
        };
        find<QPushButton>("loadBodyButton")->click();
        QTRY_COMPARE(dialogs.seen, 1);
        QTRY_VERIFY(!QApplication::activeModalWidget());
        QCOMPARE(chosen, QStringList{path});
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QTRY_COMPARE(backend(0).requestCount(), 1);
        QCOMPARE(backend(0).requests().first().body, bytes);
    }

    // A new broadcast does not leave the previous run's details on screen.
    void aNewBroadcastClearsTheDetails()
    {
        const QStringList urls = startBackends(1);
        backend(0).setStatuses({500});
        openWindow();
        compose(QStringLiteral("PURGE"), QStringLiteral("/d"), urls);
        QSignalSpy finished(m_window.get(), &MainWindow::broadcastFinished);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        auto *view = find<QTableView>("resultsView");
        view->setCurrentIndex(view->model()->index(0, 0));
        auto *details = find<QPlainTextEdit>("detailsView");
        QTRY_VERIFY(details->toPlainText().contains(QLatin1String("HTTP 500")));
        backend(0).setStatuses({204});
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        QVERIFY2(!details->toPlainText().contains(QLatin1String("HTTP 500")), qPrintable(details->toPlainText()));
    }

    // The summary says whether the policy was met; the status line counts targets in English.
    void theSummarySaysWhetherThePolicyWasMet()
    {
        const QStringList urls = startBackends(2);
        backend(1).setStatuses({503});
        openWindow();
        compose(QStringLiteral("PURGE"), QStringLiteral("/s"), {urls.at(0)});
        QSignalSpy finished(m_window.get(), &MainWindow::broadcastFinished);
        QSignalSpy messages(m_window->statusBar(), &QStatusBar::messageChanged);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        QVERIFY2(summary().contains(QLatin1String("policy met")), qPrintable(summary()));
        QStringList shown;
        for (const QList<QVariant> &message : std::as_const(messages))
            shown.append(message.first().toString());
        QVERIFY2(shown.contains(QStringLiteral("Sending PURGE /s to 1 target")), qPrintable(shown.join(QLatin1Char('|'))));
        QVERIFY2(!shown.join(QLatin1Char('|')).contains(QLatin1String("1 targets")), qPrintable(shown.join(QLatin1Char('|'))));
        compose(QStringLiteral("PURGE"), QStringLiteral("/s"), urls);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        QVERIFY2(summary().contains(QLatin1String("policy not met")), qPrintable(summary()));
    }

    // The live table sorts and filters, never wraps a state, and shows no latency for a cancelled row.
    void theLiveTableSortsFiltersAndDoesNotWrap()
    {
        const QStringList urls = startBackends(3);
        backend(1).setStatuses({500});
        openWindow();
        compose(QStringLiteral("PURGE"), QStringLiteral("/t"), urls);
        QSignalSpy finished(m_window.get(), &MainWindow::broadcastFinished);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        auto *view = find<QTableView>("resultsView");
        QVERIFY(view->isSortingEnabled());
        QVERIFY(!view->wordWrap());
        view->sortByColumn(TargetTableModel::CodeColumn, Qt::DescendingOrder);
        QCOMPARE(view->model()->index(0, TargetTableModel::CodeColumn).data().toInt(), 500);
        find<QLineEdit>("resultsFilter")->setText(QStringLiteral("failed"));
        QTRY_COMPARE(view->model()->rowCount(), 1);
        const QModelIndex state = view->model()->index(0, TargetTableModel::StateColumn);
        QCOMPARE(state.data().toString(), QStringLiteral("failed: http-error"));
        QVERIFY(view->columnWidth(TargetTableModel::StateColumn)
                >= static_cast<QAbstractItemView *>(view)->sizeHintForColumn(TargetTableModel::StateColumn));
    }

    void aCancelledRowShowsNoLatency()
    {
        const QStringList urls = startBackends(1);
        backend(0).setBehaviour(TestBackend::Behaviour::Stall);
        openWindow();
        compose(QStringLiteral("PURGE"), QStringLiteral("/slow"), urls);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QTRY_COMPARE(state(0), QStringLiteral("sending"));
        QTest::mouseClick(find<QPushButton>("cancelButton"), Qt::LeftButton);
        QTRY_COMPARE(state(0), QStringLiteral("cancelled"));
        QCOMPARE(m_window->resultsModel()->index(0, TargetTableModel::LatencyColumn).data().toString(), QString());
    }

    // At 900x600, with the composer collapsed, six rows and every column show, and the details
    // pane has room for more than a few lines.
    void theWindowIsUsableAt900x600()
    {
        const QStringList urls = startBackends(6);
        backend(2).setStatuses({503});
        openWindow();
        m_window->resize(900, 600);
        compose(QStringLiteral("PURGE"), QStringLiteral("/layout"), urls);
        QSignalSpy finished(m_window.get(), &MainWindow::broadcastFinished);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        auto *toggle = find<QAbstractButton>("composerToggle");
        if (toggle->isChecked())
            toggle->click();
        // A long summary ("policy not met (...)") must not widen the window past 900.
        QTRY_COMPARE(m_window->size(), QSize(900, 600));
        auto *view = find<QTableView>("resultsView");
        QTRY_VERIFY2(view->viewport()->height() >= 6 * view->verticalHeader()->defaultSectionSize(),
                     qPrintable(QString::number(view->viewport()->height())));
        QVERIFY2(view->horizontalHeader()->length() <= view->viewport()->width(),
                 qPrintable(QStringLiteral("%1 > %2").arg(view->horizontalHeader()->length()).arg(view->viewport()->width())));
        auto *details = find<QPlainTextEdit>("detailsView");
        QVERIFY2(details->viewport()->height() >= 6 * details->fontMetrics().lineSpacing(),
                 qPrintable(QString::number(details->viewport()->height())));
    }

    // With no profile yet, the list says so and offers the examples.
    void theFirstStartOffersTheExampleProfiles()
    {
        QDir(profileDir()).removeRecursively();
        openWindow();
        auto *hint = find<QLabel>("profileHint");
        QVERIFY(hint->isVisible());
        find<QPushButton>("addExamplesButton")->click();
        auto *list = find<QListView>("profileList");
        QTRY_VERIFY(list->model()->rowCount() >= 2);
        QVERIFY(!hint->isVisible());
        Profile example;
        QVERIFY(ProfileStore(profileDir()).load(QStringLiteral("ban-prefix"), &example, nullptr));
        QCOMPARE(example.method, QByteArray("BAN"));
    }

    void theGroupEditorShowsEachBadLine_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("errors"); // the start of each line under the editor
        QTest::addColumn<QList<int>>("marked");  // the 0-based lines marked in the text
        QTest::newRow("good") << "http://10.0.0.1:6081\n# a comment\nhttp://10.0.0.2:6081" << QStringList() << QList<int>();
        QTest::newRow("two bad lines") << "http://10.0.0.1:6081\nftp://x:1\n\nhttp://:0" << QStringList{"Line 2: ", "Line 4: "}
                                       << QList<int>{1, 3};
        QTest::newRow("dns beside a url") << "http://10.0.0.1:6081\ndns:varnish.svc:6081"
                                          << QStringList{"Line 2: a group is URLs or one dns:/srv: line, not both (line 1 is a URL)"}
                                          << QList<int>{1};
        QTest::newRow("bad option") << "srv:_http._tcp.varnish.svc\nscheme=gopher" << QStringList{"Line 2: \"scheme\" must be"}
                                    << QList<int>{1};
        QTest::newRow("bad tls line") << "https://10.0.0.1:8443\ntls.ca=/nonexistent/ca.pem\ntls.verify=maybe"
                                      << QStringList{"Line 2: \"tls\".\"ca\": cannot read /nonexistent/ca.pem",
                                                     "Line 3: \"tls\".\"verify\" must be true or false"}
                                      << QList<int>{1, 2};
    }
    void theGroupEditorShowsEachBadLine()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, errors);
        QFETCH(QList<int>, marked);
        openWindow();
        showGroupsTab();
        find<QLineEdit>("groupNameEdit")->setText(QStringLiteral("prod-eu"));
        auto *editor = find<QPlainTextEdit>("groupTargetsEdit");
        editor->setPlainText(text);
        auto *list = find<QLabel>("groupErrors");
        const QStringList shown = list->text().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(shown.size(), errors.size());
        for (int i = 0; i < errors.size(); ++i)
            QVERIFY2(shown.at(i).startsWith(errors.at(i)), qPrintable(shown.at(i)));
        QCOMPARE(list->isVisible(), !errors.isEmpty());
        QList<int> lines;
        for (const QTextEdit::ExtraSelection &mark : editor->extraSelections())
            lines.append(mark.cursor.blockNumber());
        QCOMPARE(lines, marked);
        auto *save = find<QPushButton>("saveGroupButton");
        QCOMPARE(save->isEnabled(), errors.isEmpty());
        if (!errors.isEmpty())
            return;
        save->click();
        TargetGroup saved;
        QVERIFY(groupStore().load(QStringLiteral("prod-eu"), &saved, nullptr));
        QCOMPARE(saved.targets.targets.size(), 2);
        QCOMPARE(find<QListWidget>("groupList")->currentItem()->text(), QStringLiteral("prod-eu"));
        // The composer offers it at once.
        QCOMPARE(find<QListWidget>("groupPicker")->findItems(QStringLiteral("prod-eu"), Qt::MatchExactly).size(), 1);
    }

    // A group with tls. lines opens in the editor with them, and saving it after an edit keeps them.
    void theGroupEditorKeepsTheGroupsTls()
    {
        herald::test::TestPki pki;
        QString error;
        QVERIFY2(pki.create(QStringLiteral("GUI Test CA"), &error), qPrintable(error));
        QVERIFY2(pki.issue(QStringLiteral("client"), {QStringLiteral("DNS:herald-client")}, true, &error), qPrintable(error));
        saveGroup(QStringLiteral("mtls"), {QStringLiteral("https://10.0.0.1:8443"), QStringLiteral("tls.ca=") + pki.caFile(),
                                           QStringLiteral("tls.cert=") + pki.certificateFile(QStringLiteral("client")),
                                           QStringLiteral("tls.key=") + pki.keyFile(QStringLiteral("client")),
                                           QStringLiteral("tls.serverName=backend.test"), QStringLiteral("tls.verify=true")});
        TargetGroup before;
        QVERIFY(groupStore().load(QStringLiteral("mtls"), &before, nullptr));
        QVERIFY(before.targets.tls);
        openWindow();
        showGroupsTab();
        auto *list = find<QListWidget>("groupList");
        const QList<QListWidgetItem *> items = list->findItems(QStringLiteral("mtls"), Qt::MatchExactly);
        QCOMPARE(items.size(), 1);
        list->setCurrentItem(items.first());
        auto *editor = find<QPlainTextEdit>("groupTargetsEdit");
        const QString text = editor->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("\ntls.ca=") + pki.caFile() + QLatin1Char('\n'))
                     && text.contains(QLatin1String("\ntls.serverName=backend.test\n"))
                     && text.contains(QLatin1String("\ntls.verify=true\n")),
                 qPrintable(text));
        // One more backend typed at the end (the text ends with a newline).
        editor->moveCursor(QTextCursor::End);
        QTest::keyClicks(editor, QStringLiteral("https://10.0.0.2:8443"));
        auto *save = find<QPushButton>("saveGroupButton");
        QVERIFY2(save->isEnabled(), qPrintable(find<QLabel>("groupErrors")->text()));
        save->click();
        TargetGroup after;
        QVERIFY(groupStore().load(QStringLiteral("mtls"), &after, nullptr));
        QCOMPARE(after.targets.targets.size(), 2);
        QVERIFY(after.targets.tls);
        QCOMPARE(*after.targets.tls, *before.targets.tls);
        QVERIFY(after.targets.targets.last().tls);
    }

    // Two overlapping groups checked in the composer, no free targets: each backend once.
    void theComposerSendsToTheCheckedGroups()
    {
        const QStringList urls = startBackends(3);
        saveGroup(QStringLiteral("eu"), {urls.at(0), urls.at(1)});
        saveGroup(QStringLiteral("us"), {urls.at(1), urls.at(2)});
        saveGroup(QStringLiteral("unused"), {QStringLiteral("http://127.0.0.1:9")});
        openWindow();
        compose(QStringLiteral("PURGE"), QStringLiteral("/grouped"), {});
        QVERIFY(!find<QPushButton>("sendButton")->isEnabled()); // no targets yet
        checkGroup(QStringLiteral("eu"));
        checkGroup(QStringLiteral("us"));
        QTRY_VERIFY(find<QPushButton>("sendButton")->isEnabled());
        QSignalSpy finished(m_window.get(), &MainWindow::broadcastFinished);
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        QCOMPARE(m_window->resultsModel()->rowCount(), 3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(backend(i).requestCount(), 1);
    }

    // A group the composer names that is no longer saved is an error naming it; Send stays off.
    void anUnknownCheckedGroupIsNamed()
    {
        saveGroup(QStringLiteral("gone"), {QStringLiteral("http://127.0.0.1:9")});
        openWindow();
        compose(QStringLiteral("PURGE"), QStringLiteral("/x"), {});
        checkGroup(QStringLiteral("gone"));
        QVERIFY(groupStore().remove(QStringLiteral("gone"), nullptr));
        find<QLineEdit>("pathEdit")->setText(QStringLiteral("/y")); // any edit runs the plan again
        QVERIFY(!find<QPushButton>("sendButton")->isEnabled());
        const QString error = find<QLabel>("composerError")->text();
        QVERIFY2(error.startsWith(QLatin1String("group \"gone\": unknown group 'gone'")), qPrintable(error));
    }

    // Above the typed threshold the group's name confirms as well as the count does.
    void theGroupNameConfirmsLikeTheCount_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<bool>("sent");
        QTest::newRow("group name") << "prod-eu" << true;
        QTest::newRow("count") << "2" << true;
        QTest::newRow("another name") << "prod-us" << false;
    }
    void theGroupNameConfirmsLikeTheCount()
    {
        QFETCH(QString, typed);
        QFETCH(bool, sent);
        const QStringList urls = startBackends(2);
        saveGroup(QStringLiteral("prod-eu"), urls);
        openWindow(true);
        m_window->setTypedConfirmationThreshold(1);
        DialogWatcher dialogs;
        bool enabled = false;
        dialogs.answer = [&](QWidget *dialog) {
            auto *edit = dialog->findChild<QLineEdit *>(QStringLiteral("confirmCountEdit"));
            QPushButton *yes = dialog->findChild<QPushButton *>(QStringLiteral("confirmYesButton"));
            if (!edit || !yes)
                return static_cast<QDialog *>(dialog)->reject();
            QTest::keyClicks(edit, typed);
            enabled = yes->isEnabled();
            enabled ? yes->click() : static_cast<QDialog *>(dialog)->reject();
        };
        compose(QStringLiteral("PURGE"), QStringLiteral("/confirmed"), {});
        checkGroup(QStringLiteral("prod-eu"));
        QTest::mouseClick(find<QPushButton>("sendButton"), Qt::LeftButton);
        QTRY_COMPARE(dialogs.seen, 1);
        QVERIFY2(dialogs.texts.first().contains(QLatin1String("or the group name (prod-eu)")), qPrintable(dialogs.texts.first()));
        QCOMPARE(enabled, sent);
        if (sent)
            QTRY_COMPARE(backend(0).requestCount() + backend(1).requestCount(), 2);
        else
            QTRY_COMPARE(m_window->statusBar()->currentMessage(), QStringLiteral("Not sent"));
        QCOMPARE(backend(0).requestCount() + backend(1).requestCount(), sent ? 2 : 0);
    }

    void theFirstStartOffersTheExampleGroup()
    {
        openWindow();
        showGroupsTab();
        auto *hint = find<QLabel>("groupHint");
        QVERIFY(hint->isVisible());
        find<QPushButton>("addExampleGroupButton")->click();
        QCOMPARE(find<QListWidget>("groupList")->count(), 1);
        QVERIFY(!hint->isVisible());
        TargetGroup example;
        QVERIFY(groupStore().load(QStringLiteral("staging"), &example, nullptr));
        QCOMPARE(example.targets.targets.size(), 2);
        // Shown in the editor, as the text form, without errors.
        QVERIFY(find<QPlainTextEdit>("groupTargetsEdit")->toPlainText().contains(QLatin1String("http://127.0.0.1:6081")));
        QVERIFY(find<QPushButton>("saveGroupButton")->isEnabled());
    }

    // Every input and button has a name a screen reader can say.
    void everyInputHasAnAccessibleName()
    {
        openWindow();
        QStringList unnamed;
        const auto check = [&](QWidget *widget) {
            QAccessibleInterface *face = QAccessible::queryAccessibleInterface(widget);
            if (!face || face->text(QAccessible::Name).trimmed().isEmpty())
                unnamed.append(widget->objectName().isEmpty() ? QString::fromLatin1(widget->metaObject()->className())
                                                              : widget->objectName());
        };
        for (QWidget *widget : m_window->findChildren<QWidget *>()) {
            if (qobject_cast<QLineEdit *>(widget) && qobject_cast<QComboBox *>(widget->parentWidget()))
                continue; // a combo box's own line edit: the combo box carries the name
            if (qobject_cast<QLineEdit *>(widget) && qobject_cast<QAbstractSpinBox *>(widget->parentWidget()))
                continue;
            if (qobject_cast<QHeaderView *>(widget) || widget->inherits("QComboBoxListView"))
                continue; // a table's own header, a combo box's popup list
            if (qobject_cast<QLineEdit *>(widget) || qobject_cast<QComboBox *>(widget) || qobject_cast<QAbstractSpinBox *>(widget)
                || qobject_cast<QPlainTextEdit *>(widget) || qobject_cast<QAbstractItemView *>(widget)
                || qobject_cast<QPushButton *>(widget))
                check(widget);
        }
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
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
