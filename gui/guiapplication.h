#pragma once

namespace herald {

// Starts the desktop application: QApplication, the shared Broadcaster and the main window.
class GuiApplication
{
public:
    static int run(int &argc, char **argv);
};

} // namespace herald
