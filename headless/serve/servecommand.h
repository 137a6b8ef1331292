#pragma once

#include <QStringList>

namespace herald {

// `herald serve`: loads the configuration, starts the listener(s) and runs until SIGTERM/SIGINT,
// then drains: stops accepting, /readyz turns 503, in-flight broadcasts finish, exit 0.
class ServeCommand
{
public:
    static int run(const QStringList &arguments);
};

} // namespace herald
