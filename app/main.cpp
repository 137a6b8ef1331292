// Entry point: picks the face from the first argument and runs it.
#include "probe/probecommand.h"
#include "relay/relaycommand.h"
#include "send/sendcommand.h"
#include "serve/servecommand.h"
#include "store/storelocation.h"
#include "store/storemigration.h"

#include <QCoreApplication>
#include <QEvent>
#include <QTextStream>

#ifdef HERALD_GUI
#include "guiapplication.h"
#endif

#include <cstdio>
#include <cstring>

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

// A face's objects are gone once its run() returns, but what they handed to deleteLater() (QNAM's
// connections and their TLS state, among others) waits for an event loop that will not run again:
// delete it now, so the process ends with nothing of the work left behind (LeakSanitizer checks).
int finished(int exitCode)
{
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
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
    if (std::strcmp(command, "send") == 0) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("herald"));
        QCoreApplication::setApplicationVersion(QStringLiteral(HERALD_VERSION));
        moveOldGuiFiles();
        return finished(herald::SendCommand::run(QCoreApplication::arguments().mid(1)));
    }
    if (std::strcmp(command, "serve") == 0) {
        // Qt's own poll() dispatcher costs less per wake-up than GLib's (13% of the CPU per
        // broadcast, docs/performance.md); serve has no GLib user that would need it.
        if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
            qputenv("QT_NO_GLIB", "1");
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("herald"));
        QCoreApplication::setApplicationVersion(QStringLiteral(HERALD_VERSION));
        moveOldGuiFiles();
        return finished(herald::ServeCommand::run(QCoreApplication::arguments().mid(1)));
    }
    if (std::strcmp(command, "relay") == 0) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("herald"));
        return finished(herald::RelayCommand::run(QCoreApplication::arguments().mid(1)));
    }
    if (std::strcmp(command, "probe") == 0) {
        QCoreApplication app(argc, argv);
        return herald::ProbeCommand::run(QCoreApplication::arguments().mid(1));
    }
#ifdef HERALD_GUI
    if (argc == 1 || command[0] == '-')
        return herald::GuiApplication::run(argc, argv);
#endif
    std::fprintf(stderr, "herald: unknown command '%s'\n\n%s", command, usage);
    return 2;
}
