#include "heraldprocess.h"

#include <QSignalSpy>

namespace herald::test {

QString HeraldProcess::binary()
{
    return QStringLiteral(HERALD_BINARY);
}

HeraldProcess::Result HeraldProcess::run(const QStringList &arguments, const QProcessEnvironment &environment,
                                         int timeoutMs)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("HERALD_TARGETS"));
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
