#include "guiapplication.h"

#include "broadcast/broadcaster.h"
#include "store/historystore.h"
#include "mainwindow.h"
#include "store/profilestore.h"

#include <QApplication>
#include <QIcon>

namespace herald {

int GuiApplication::run(int &argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("herald"));
    QApplication::setOrganizationName(QStringLiteral("herald"));
    QApplication::setApplicationDisplayName(QStringLiteral("Herald"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/herald/icons/herald.svg")));
    Broadcaster broadcaster;
    MainWindow window(&broadcaster, ProfileStore::defaultDirectory(), HistoryStore::defaultPath());
    window.resize(1100, 760);
    window.show();
    return QApplication::exec();
}

} // namespace herald
