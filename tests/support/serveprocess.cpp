#include "serveprocess.h"

#include <QBuffer>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QStandardPaths>

#include <csignal>

#include <unistd.h>

namespace herald::test {

QByteArray HttpReply::header(const QByteArray &name) const
{
    for (const auto &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

ServeProcess::ServeProcess()
    : m_process(std::make_unique<QProcess>())
    , m_client(std::make_unique<QNetworkAccessManager>())
{
    m_client->setProxy(QNetworkProxy::NoProxy);
    m_client->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

ServeProcess::~ServeProcess()
{
    // SIGTERM first: a process that exits normally runs LeakSanitizer's check in ASan builds,
    // a SIGKILLed one does not. SIGKILL only when the drain does not end soon.
    if (m_process->state() != QProcess::NotRunning && m_process->processId() > 0) {
        ::kill(static_cast<pid_t>(m_process->processId()), SIGTERM);
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }
}

bool ServeProcess::canSetHostName()
{
    return ::geteuid() == 0 && !QStandardPaths::findExecutable(QStringLiteral("unshare")).isEmpty();
}

bool ServeProcess::start(const QProcessEnvironment &environment, const QStringList &extraArguments)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : env.keys()) {
        if (key.startsWith(QLatin1String("HERALD_")))
            env.remove(key);
    }
    env.insert(QStringLiteral("HERALD_LISTEN"), QStringLiteral("127.0.0.1:0"));
    env.insert(environment);
    m_process->setProcessEnvironment(env);
    const QStringList arguments = QStringList{QStringLiteral("serve")} + extraArguments;
    if (m_hostName.isEmpty())
        m_process->start(QStringLiteral(HERALD_BINARY), arguments);
    else // sh sets the name, then becomes herald: the process id stays the one signals go to
        m_process->start(QStringLiteral("unshare"),
                         QStringList{QStringLiteral("--uts"), QStringLiteral("sh"), QStringLiteral("-c"),
                                     QStringLiteral("hostname \"$0\" && exec \"$@\""), m_hostName, QStringLiteral(HERALD_BINARY)}
                             + arguments);
    if (!m_process->waitForStarted(5000))
        return false;
    const bool wantsAdmin = env.contains(QStringLiteral("HERALD_ADMIN_LISTEN")) || env.contains(QStringLiteral("PROBE_ADDR"));
    const bool wantsMetrics = env.contains(QStringLiteral("HERALD_METRICS_LISTEN")) || env.contains(QStringLiteral("METRICS_ADDR"));
    // The port printed after `prefix` on a line of its own; 0 until the whole line is there.
    const auto portAfter = [](const QByteArray &text, const QByteArray &prefix) -> quint16 {
        const int at = text.indexOf(prefix);
        const int end = at < 0 ? -1 : text.indexOf('\n', at);
        return end < 0 ? 0 : static_cast<quint16>(text.mid(at + prefix.size(), end - at - prefix.size()).toUInt());
    };
    QByteArray out;
    QSignalSpy output(m_process.get(), &QProcess::readyReadStandardOutput);
    QSignalSpy finished(m_process.get(), &QProcess::finished);
    for (int round = 0; round < 100; ++round) {
        out += m_process->readAllStandardOutput();
        m_port = portAfter(out, "serve: listening on port ");
        m_adminPort = portAfter(out, "admin listening on port ");
        m_metricsPort = portAfter(out, "metrics listening on port ");
        if (m_port != 0 && (!wantsAdmin || m_adminPort != 0) && (!wantsMetrics || m_metricsPort != 0))
            return true;
        if (m_process->state() == QProcess::NotRunning)
            return false;
        output.wait(100);
    }
    return false;
}

QByteArray ServeProcess::errorOutput()
{
    m_stderr += m_process->readAllStandardError();
    return m_stderr;
}

int ServeProcess::terminate(int timeoutMs)
{
    QSignalSpy finished(m_process.get(), &QProcess::finished);
    ::kill(static_cast<pid_t>(m_process->processId()), SIGTERM);
    if (m_process->state() != QProcess::NotRunning && !finished.wait(timeoutMs))
        return -1;
    return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
}

HttpReply ServeProcess::send(const QByteArray &method, const QByteArray &pathAndQuery,
                             const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body, quint16 port,
                             int timeoutMs)
{
    const QUrl url = QUrl::fromEncoded("http://127.0.0.1:" + QByteArray::number(port ? port : m_port) + pathAndQuery);
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    for (const auto &header : headers)
        request.setRawHeader(header.first, header.second);
    QNetworkReply *reply = nullptr;
    if (method == "HEAD")
        reply = m_client->head(request);
    else if (!body.isEmpty())
        reply = m_client->sendCustomRequest(request, method, body);
    else
        reply = m_client->sendCustomRequest(request, method);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    HttpReply result;
    if (!reply->isFinished() && !finished.wait(timeoutMs)) {
        reply->abort();
        result.error = QStringLiteral("no answer within %1 ms").arg(timeoutMs);
        reply->deleteLater();
        return result;
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    for (const auto &pair : reply->rawHeaderPairs())
        result.headers.append(pair);
    result.body = reply->readAll();
    if (result.status == 0)
        result.error = reply->errorString();
    reply->deleteLater();
    return result;
}

} // namespace herald::test
