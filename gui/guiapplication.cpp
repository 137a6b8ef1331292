#include "guiapplication.h"

#include "broadcast/broadcaster.h"
#include "mainwindow.h"
#include "store/storelocation.h"
#include "store/storemigration.h"

#include <QApplication>
#include <QIcon>

namespace herald {

int GuiApplication::run(int &argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("herald"));
    QApplication::setApplicationDisplayName(QStringLiteral("Herald"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/herald/icons/herald.svg")));
    // No organization name: it would put the GUI's files in herald/herald, apart from the CLI's.
    const StoreLocation location;
    StoreMigration(location).run();
    Broadcaster broadcaster;
    MainWindow window(&broadcaster, location.profileDirectory(), location.historyPath(), location.groupDirectory());
    window.show();
    return QApplication::exec();
}

} // namespace herald
