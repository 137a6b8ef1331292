#include "heraldprocess.h"

#include <QSignalSpy>
#include <QTemporaryDir>

namespace herald::test {

QString HeraldProcess::binary()
{
    return QStringLiteral(HERALD_BINARY);
}

HeraldProcess::Result HeraldProcess::run(const QStringList &arguments, const QProcessEnvironment &environment, int timeoutMs)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("HERALD_TARGETS"));
    // Keep the developer's own history and profiles out of the tests.
    static QTemporaryDir home;
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(environment);
    process.setProcessEnvironment(env);
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(binary(), arguments);
    Result result;
    if (!process.waitForStarted(5000))
        return result;
    result.finished = finished.wait(timeoutMs);
    if (!result.finished) {
        process.kill();
        process.waitForFinished(2000);
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

} // namespace herald::test
