// Entry point: picks the face from the first argument and runs it.
#include "probe/probecommand.h"
#include "relay/relaycommand.h"
#include "send/sendcommand.h"
#include "serve/servecommand.h"
#include "store/storelocation.h"
#include "store/storemigration.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QTextStream>
#include <QThread>

#ifdef HERALD_GUI
#include "guiapplication.h"
#endif

#include <cstdio>
#include <cstring>

#include <dirent.h>

namespace {

const char *const usage = "Usage: herald [COMMAND] [OPTIONS]\n"
                          "\n"
                          "Broadcasts one HTTP request to every target (Varnish and nginx caches, webhook\n"
                          "receivers, service pools) with per-target timeouts, retries and results.\n"
                          "\n"
                          "Commands:\n"
                          "  send     broadcast one request from the command line and exit\n"
                          "  serve    run the HTTP listener that broadcasts every request it receives\n"
                          "  relay    replay requests from a Redis stream to local endpoints\n"
                          "  probe    health check of a running 'herald serve' (for containers)\n"
                          "  (none)   open the desktop application (GUI builds only)\n"
                          "\n"
                          "Run 'herald COMMAND --help' for a command's options.\n";

// Profiles and history an older GUI kept in its own folders move to the shared location, so the
// faces that read profiles find them without the GUI being opened first. Two stats when done.
void moveOldGuiFiles()
{
    herald::StoreMigration(herald::StoreLocation()).run();
}

bool isHelp(const char *arg)
{
    return std::strcmp(arg, "--help") == 0 || std::strcmp(arg, "-h") == 0 || std::strcmp(arg, "help") == 0;
}

// Threads of this process still running, this one included (Linux: one entry each in /proc/self/task).
int threadCount()
{
    DIR *tasks = opendir("/proc/self/task");
    if (!tasks)
        return 1;
    int count = 0;
    while (const dirent *entry = readdir(tasks))
        count += entry->d_name[0] != '.';
    closedir(tasks);
    return count;
}

// By now every thread of the face has been told to end and the application has joined Qt's
// pools, but QThread::wait() returns before a thread has run its exit-time cleanup, and Qt's
// threads are detached (QNAM's connection thread, the transport workers). OpenSSL frees a thread's
// random generators in that cleanup; a process that exits first leaves them behind, which
// LeakSanitizer reported under load. So wait, bounded, to be the last thread.
// A thread that never ends (none is known) costs the bound.
void awaitOtherThreads()
{
    constexpr int boundMs = 1000;
    QElapsedTimer waited;
    waited.start();
    while (threadCount() > 1 && waited.elapsed() < boundMs)
        QThread::usleep(200);
}

// Runs a headless face. Its objects are gone once `command` returns, but what they handed to
// deleteLater() (QNAM's connections and their TLS state, among others) waits for an event loop that
// will not run again: it is deleted here, and the application (with Qt's host-lookup pool) goes
// before the last wait, so the process ends with nothing of the work left behind.
int runHeadless(int argc, char *argv[], int (*command)(const QStringList &), bool readsStore)
{
    int exitCode = 0;
    {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("herald"));
        QCoreApplication::setApplicationVersion(QStringLiteral(HERALD_VERSION));
        if (readsStore)
            moveOldGuiFiles();
        exitCode = command(QCoreApplication::arguments().mid(1));
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
    awaitOtherThreads();
    return exitCode;
}

} // namespace

int main(int argc, char *argv[])
{
    const char *command = argc > 1 ? argv[1] : "";
    if (argc > 1 && isHelp(command)) {
        std::fputs(usage, stdout);
        return 0;
    }
    if (argc > 1 && std::strcmp(command, "--version") == 0) {
        std::printf("herald %s\n", HERALD_VERSION);
        return 0;
    }
    if (std::strcmp(command, "send") == 0)
        return runHeadless(argc, argv, &herald::SendCommand::run, true);
    if (std::strcmp(command, "serve") == 0) {
        // Qt's own poll() dispatcher costs less per wake-up than GLib's (13% of the CPU per
        // broadcast, docs/performance.md); serve has no GLib user that would need it.
        if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
            qputenv("QT_NO_GLIB", "1");
        return runHeadless(argc, argv, &herald::ServeCommand::run, true);
    }
    if (std::strcmp(command, "relay") == 0)
        return runHeadless(argc, argv, &herald::RelayCommand::run, false);
    if (std::strcmp(command, "probe") == 0)
        return runHeadless(argc, argv, &herald::ProbeCommand::run, false);
#ifdef HERALD_GUI
    if (argc == 1 || command[0] == '-')
        return herald::GuiApplication::run(argc, argv);
#endif
    std::fprintf(stderr, "herald: unknown command '%s'\n\n%s", command, usage);
    return 2;
}
