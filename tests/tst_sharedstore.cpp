// One location for profiles and history: what the GUI saves `herald send` finds, what `herald
// send` records the GUI's history shows, and the GUI's old herald/herald folders move there once.
#include "heraldprocess.h"
#include "store/historystore.h"
#include "store/profilestore.h"
#include "store/storelocation.h"
#include "store/storemigration.h"
#include "testbackend.h"

#ifdef HERALD_TEST_GUI
#include "broadcast/broadcaster.h"
#include "historymodel.h"
#include "mainwindow.h"
#include "profilepanel.h"

#include <QComboBox>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#endif

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace herald;
using herald::test::HeraldProcess;
using herald::test::TestBackend;

class TestSharedStore : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_home;

    QString config() const { return m_home->filePath(QStringLiteral("config")); }
    QString data() const { return m_home->filePath(QStringLiteral("data")); }
    QProcessEnvironment environment() const
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), m_home->path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), config());
        env.insert(QStringLiteral("XDG_DATA_HOME"), data());
        return env;
    }

    static void write(const QString &path, const QByteArray &bytes)
    {
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        QFile file(path);
        QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
        file.write(bytes);
    }
    static QByteArray read(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("(missing)");
    }
    static QByteArray profileJson(const QString &name, const QString &path)
    {
        return QStringLiteral("{\"name\": \"%1\", \"method\": \"PURGE\", \"path\": \"%2\", "
                              "\"targets\": {\"static\": [\"http://127.0.0.1:9\"]}}")
            .arg(name, path)
            .toUtf8();
    }
    static void record(const QString &historyPath, const QByteArray &path, int count)
    {
        HistoryStore history(historyPath);
        QString error;
        QVERIFY2(history.open(&error), qPrintable(error));
        for (int i = 0; i < count; ++i) {
            HistoryEntry entry;
            entry.startedAt = QDateTime::currentDateTimeUtc().addSecs(-60 * (i + 1));
            entry.origin = QStringLiteral("gui");
            entry.request.method = "PURGE";
            entry.request.pathAndQuery = path;
            QVERIFY2(history.record(entry, &error) > 0, qPrintable(error));
        }
    }
    // The migration's herald.store line must appear (the test fails at its end otherwise).
    static void expectLog(const QString &pattern) { QTest::ignoreMessage(QtInfoMsg, QRegularExpression(pattern)); }
    static int historyCount(const QString &path)
    {
        HistoryStore history(path);
        return history.open(nullptr) ? history.count() : -1;
    }

private Q_SLOTS:
    void init()
    {
        m_home = std::make_unique<QTemporaryDir>();
        QVERIFY(m_home->isValid());
        const QProcessEnvironment env = environment();
        for (const QString &name : env.keys())
            qputenv(name.toLatin1().constData(), env.value(name).toLocal8Bit());
    }

    void everyFaceUsesTheXdgFolders()
    {
        const StoreLocation location;
        QCOMPARE(location.profileDirectory(), config() + QStringLiteral("/herald/profiles"));
        QCOMPARE(location.groupDirectory(), config() + QStringLiteral("/herald/groups"));
        QCOMPARE(location.historyPath(), data() + QStringLiteral("/herald/history.sqlite"));
        QCOMPARE(ProfileStore().directory(), location.profileDirectory());
        QCOMPARE(HistoryStore().path(), location.historyPath());
        QCOMPARE(location.legacyGuiConfigDirectory(), config() + QStringLiteral("/herald/herald"));
        QCOMPARE(location.legacyGuiDataDirectory(), data() + QStringLiteral("/herald/herald"));
    }

    void migrationMovesTheOldGuiFilesOnce()
    {
        const StoreLocation location;
        const QString oldProfiles = location.legacyGuiConfigDirectory() + QStringLiteral("/profiles");
        write(oldProfiles + QStringLiteral("/only-gui.json"), profileJson(QStringLiteral("only-gui"), QStringLiteral("/a")));
        write(oldProfiles + QStringLiteral("/both.json"), profileJson(QStringLiteral("both"), QStringLiteral("/gui")));
        write(location.profileDirectory() + QStringLiteral("/both.json"),
              profileJson(QStringLiteral("both"), QStringLiteral("/cli")));
        write(location.legacyGuiDataDirectory() + QStringLiteral("/notes.txt"), "kept by the GUI\n");
        record(location.legacyGuiDataDirectory() + QStringLiteral("/history.sqlite"), "/old", 2);

        expectLog(QStringLiteral("^moved .*/herald/herald/profiles/both.json to .*/herald/profiles/both-from-gui.json "
                                 "\\(.*/herald/profiles/both.json exists already\\)$"));
        expectLog(QStringLiteral("^moved .*/herald/herald/profiles/only-gui.json to .*/herald/profiles/only-gui.json$"));
        expectLog(QStringLiteral("^moved .*/herald/herald/history.sqlite to .*/herald/history.sqlite$"));
        expectLog(QStringLiteral("^moved .*/herald/herald/notes.txt to .*/herald/notes.txt$"));
        QCOMPARE(StoreMigration(location).run().size(), 4);

        const ProfileStore store(location.profileDirectory());
        QCOMPARE(store.names(), (QStringList{QStringLiteral("both"), QStringLiteral("both-from-gui"), QStringLiteral("only-gui")}));
        Profile profile;
        QVERIFY(store.load(QStringLiteral("both"), &profile, nullptr));
        QCOMPARE(profile.path, QStringLiteral("/cli")); // not overwritten
        QVERIFY(store.load(QStringLiteral("both-from-gui"), &profile, nullptr));
        QCOMPARE(profile.path, QStringLiteral("/gui"));
        QCOMPARE(historyCount(location.historyPath()), 2);
        QCOMPARE(read(location.dataDirectory() + QStringLiteral("/notes.txt")), QByteArray("kept by the GUI\n"));
        QVERIFY(!QFileInfo::exists(location.legacyGuiConfigDirectory()));
        QVERIFY(!QFileInfo::exists(location.legacyGuiDataDirectory()));

        // A second start finds nothing to move and changes nothing.
        QCOMPARE(StoreMigration(location).run(), QStringList());
        QCOMPARE(store.names().size(), 3);
        QCOMPARE(historyCount(location.historyPath()), 2);
    }

    // The CLI recorded broadcasts before the GUI first started: both histories end up in one.
    void migrationMergesTheOldHistoryIntoAnExistingOne()
    {
        const StoreLocation location;
        record(location.historyPath(), "/cli", 1);
        record(location.legacyGuiDataDirectory() + QStringLiteral("/history.sqlite"), "/gui", 3);
        expectLog(QStringLiteral("^merged 3 broadcasts from .*/herald/herald/history.sqlite into .*/herald/history.sqlite"));
        QCOMPARE(StoreMigration(location).run().size(), 1);
        QCOMPARE(historyCount(location.historyPath()), 4);
        QVERIFY(!QFileInfo::exists(location.legacyGuiDataDirectory()));
        QCOMPARE(StoreMigration(location).run(), QStringList());
        QCOMPARE(historyCount(location.historyPath()), 4);
    }

    // Nothing is lost: what cannot move stays where it was, the log says why, a later start moves it.
    void migrationLeavesWhatCannotMove()
    {
        const StoreLocation location;
        const QString oldProfile = location.legacyGuiConfigDirectory() + QStringLiteral("/profiles/p.json");
        const QByteArray bytes = profileJson(QStringLiteral("p"), QStringLiteral("/p"));
        write(oldProfile, bytes);
        write(location.profileDirectory(), "a file where the profile folder should be");
        const QString oldHistory = location.legacyGuiDataDirectory() + QStringLiteral("/history.sqlite");
        record(oldHistory, "/busy", 1);
        auto busy = std::make_unique<HistoryStore>(oldHistory); // an old GUI still running: its log stays
        QVERIFY(busy->open(nullptr));

        expectLog(QStringLiteral("^kept .*/herald/herald/profiles/p.json where it is: cannot create .*/herald/profiles$"));
        expectLog(QStringLiteral("^kept .*/herald/herald/history.sqlite where it is: it is in use"));
        QCOMPARE(StoreMigration(location).run().size(), 2);
        QCOMPARE(read(oldProfile), bytes);
        QCOMPARE(historyCount(oldHistory), 1);
        QVERIFY(!QFileInfo::exists(location.historyPath()));

        QVERIFY(QFile::remove(location.profileDirectory()));
        busy.reset();
        expectLog(QStringLiteral("^moved .*/herald/herald/profiles/p.json to "));
        expectLog(QStringLiteral("^moved .*/herald/herald/history.sqlite to "));
        QCOMPARE(StoreMigration(location).run().size(), 2);
        QCOMPARE(read(location.profileDirectory() + QStringLiteral("/p.json")), bytes);
        QCOMPARE(historyCount(location.historyPath()), 1);
    }

    // `herald send` moves the old GUI folders itself: a profile an older GUI saved is found
    // before the new GUI was ever opened.
    void heraldSendFindsAProfileLeftInTheOldGuiFolder()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        const StoreLocation location;
        write(location.legacyGuiConfigDirectory() + QStringLiteral("/profiles/left.json"),
              profileJson(QStringLiteral("left"), QStringLiteral("/left/behind")));
        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("--profile"), QStringLiteral("left"),
                                                QStringLiteral("-t"), backend.url(), QStringLiteral("--no-history")},
                                               environment());
        QVERIFY2(result.exitCode == 0, result.err.constData());
        QVERIFY2(result.err.contains("herald.store: moved "), result.err.constData());
        QCOMPARE(backend.requestCount(), 1);
        QCOMPARE(backend.requests().first().target, QByteArray("/left/behind"));
        QVERIFY(QFileInfo::exists(location.profileDirectory() + QStringLiteral("/left.json")));
        QVERIFY(!QFileInfo::exists(location.legacyGuiConfigDirectory()));
    }

#ifdef HERALD_TEST_GUI
    // Saved through the composer and the profile panel as the window does, at the window's
    // default location, then broadcast by the real `herald send --profile`.
    void aProfileSavedInTheGuiIsSentByHeraldSend()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        const StoreLocation location;
        Broadcaster broadcaster;
        MainWindow window(&broadcaster, location.profileDirectory(), location.historyPath());
        window.findChild<QComboBox *>(QStringLiteral("methodCombo"))->setCurrentText(QStringLiteral("PURGE"));
        window.findChild<QLineEdit *>(QStringLiteral("pathEdit"))->setText(QStringLiteral("/saved/in/gui?x=1"));
        window.findChild<QComboBox *>(QStringLiteral("sourceKindCombo"))->setCurrentIndex(0);
        window.findChild<QLineEdit *>(QStringLiteral("targetsEdit"))->setText(backend.url());
        Q_EMIT window.findChild<ProfilePanel *>()->saveRequested(QStringLiteral("from-gui"));
        QVERIFY(QFileInfo::exists(location.profileDirectory() + QStringLiteral("/from-gui.json")));

        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("--profile"), QStringLiteral("from-gui"),
                                                QStringLiteral("--no-history")},
                                               environment());
        QVERIFY2(result.exitCode == 0, result.err.constData());
        QCOMPARE(backend.requestCount(), 1);
        QCOMPARE(backend.requests().first().method, QByteArray("PURGE"));
        QCOMPARE(backend.requests().first().target, QByteArray("/saved/in/gui?x=1"));
    }

    // A group saved in the Groups tab as the operator does is what `herald send --group` uses, and
    // a profile saved with that group checked in the composer is sent to it by `herald send --profile`.
    void aGroupSavedInTheGuiIsUsedByHeraldSend()
    {
        TestBackend first;
        TestBackend second;
        QVERIFY(first.listen());
        QVERIFY(second.listen());
        const StoreLocation location;
        Broadcaster broadcaster;
        MainWindow window(&broadcaster, location.profileDirectory(), location.historyPath(), location.groupDirectory());
        window.findChild<QLineEdit *>(QStringLiteral("groupNameEdit"))->setText(QStringLiteral("from-gui"));
        window.findChild<QPlainTextEdit *>(QStringLiteral("groupTargetsEdit"))
            ->setPlainText(first.url() + QLatin1Char('\n') + second.url());
        auto *save = window.findChild<QPushButton *>(QStringLiteral("saveGroupButton"));
        QVERIFY(save->isEnabled());
        save->click();
        QVERIFY(QFileInfo::exists(location.groupDirectory() + QStringLiteral("/from-gui.json")));

        const auto sent = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("PURGE"), QStringLiteral("/by/group"),
                                              QStringLiteral("--group"), QStringLiteral("from-gui"), QStringLiteral("--no-history")},
                                             environment());
        QVERIFY2(sent.exitCode == 0, sent.err.constData());
        QCOMPARE(first.requestCount(), 1);
        QCOMPARE(second.requestCount(), 1);

        const QList<QListWidgetItem *> items =
            window.findChild<QListWidget *>(QStringLiteral("groupPicker"))->findItems(QStringLiteral("from-gui"), Qt::MatchExactly);
        QCOMPARE(items.size(), 1);
        items.first()->setCheckState(Qt::Checked);
        window.findChild<QComboBox *>(QStringLiteral("methodCombo"))->setCurrentText(QStringLiteral("BAN"));
        window.findChild<QLineEdit *>(QStringLiteral("pathEdit"))->setText(QStringLiteral("/by/profile"));
        window.findChild<QLineEdit *>(QStringLiteral("targetsEdit"))->clear();
        Q_EMIT window.findChild<ProfilePanel *>()->saveRequested(QStringLiteral("uses-group"));
        const auto profile = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("--profile"),
                                                 QStringLiteral("uses-group"), QStringLiteral("--no-history")},
                                                environment());
        QVERIFY2(profile.exitCode == 0, profile.err.constData());
        QCOMPARE(first.requestCount(), 2);
        QCOMPARE(second.requests().last().method, QByteArray("BAN"));
        QCOMPARE(second.requests().last().target, QByteArray("/by/profile"));
    }

    // `herald send` records at the shared location; the window, opened at its default, lists it.
    void aCliBroadcastAppearsInTheGuiHistory()
    {
        TestBackend backend;
        QVERIFY(backend.listen());
        const auto result = HeraldProcess::run({QStringLiteral("send"), QStringLiteral("BAN"), QStringLiteral("/from/cli"),
                                                QStringLiteral("-t"), backend.url()},
                                               environment());
        QVERIFY2(result.exitCode == 0, result.err.constData());
        QCOMPARE(backend.requestCount(), 1);

        const StoreLocation location;
        Broadcaster broadcaster;
        MainWindow window(&broadcaster, location.profileDirectory(), location.historyPath());
        const QAbstractItemModel *history = window.findChild<QTableView *>(QStringLiteral("historyView"))->model();
        QTRY_COMPARE(history->rowCount(), 1);
        QCOMPARE(history->index(0, HistoryModel::MethodColumn).data().toString(), QStringLiteral("BAN"));
        QCOMPARE(history->index(0, HistoryModel::PathColumn).data().toString(), QStringLiteral("/from/cli"));
    }

    // Without an organization name a default QSettings would be "Unknown Organization"; the
    // window keeps its preferences in herald/herald.conf, where it always did.
    void theGuiKeepsItsPreferencesInHeraldConf()
    {
        {
            const StoreLocation location;
            Broadcaster broadcaster;
            MainWindow window(&broadcaster, location.profileDirectory(), location.historyPath());
            window.show();
            QVERIFY(window.close());
        }
        // QSettings fixes its folder at first use in a process, so ask it rather than this test's HOME.
        const QSettings settings(QStringLiteral("herald"), QStringLiteral("herald"));
        QVERIFY2(settings.fileName().endsWith(QLatin1String("/herald/herald.conf")), qPrintable(settings.fileName()));
        QCOMPARE(settings.value(QStringLiteral("history/keepEntries")).toInt(), 1000);
    }

    // The real GUI start runs the migration: the window comes up with the old folders moved.
    void theGuiMovesTheOldFilesAtStart()
    {
        const StoreLocation location;
        const QByteArray bytes = profileJson(QStringLiteral("old"), QStringLiteral("/old"));
        write(location.legacyGuiConfigDirectory() + QStringLiteral("/profiles/old.json"), bytes);
        QProcess gui;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(environment());
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        gui.setProcessEnvironment(env);
        gui.start(HeraldProcess::binary(), {});
        QVERIFY(gui.waitForStarted(5000));
        QByteArray err;
        QTRY_VERIFY2_WITH_TIMEOUT((err += gui.readAllStandardError()).contains("herald.store: moved "), err.constData(), 15000);
        gui.kill();
        gui.waitForFinished(5000);
        QVERIFY2(err.contains("/herald/herald/profiles/old.json to " + QFile::encodeName(location.profileDirectory()) + "/old.json"),
                 err.constData());
        QCOMPARE(read(location.profileDirectory() + QStringLiteral("/old.json")), bytes);
    }
#endif
};

QTEST_MAIN(TestSharedStore)
#include "tst_sharedstore.moc"
