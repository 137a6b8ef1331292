#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

namespace herald::test {

// Runs the real `herald` binary as a child process without blocking the test's event loop,
// so loopback backends in the test keep answering while it runs.
class HeraldProcess
{
public:
    struct Result
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
        bool finished = false;
    };

    // Runs `herald arguments...` to the end (or timeoutMs) with `environment` added.
    static Result run(const QStringList &arguments, const QProcessEnvironment &environment = {}, int timeoutMs = 30000);
    static QString binary();
};

} // namespace herald::test
