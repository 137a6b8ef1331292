#include "backendpool.h"

namespace herald::test {

QStringList BackendPool::start(int count)
{
    QStringList urls;
    for (int i = 0; i < count; ++i) {
        auto backend = std::make_unique<TestBackend>();
        if (!backend->listen())
            qFatal("cannot listen on loopback");
        urls.append(backend->url());
        m_backends.push_back(std::move(backend));
    }
    return urls;
}

int BackendPool::totalRequests() const
{
    int total = 0;
    for (const auto &backend : m_backends)
        total += backend->requestCount();
    return total;
}

QList<herald::Target> BackendPool::targets(const QStringList &urls)
{
    QList<herald::Target> list;
    for (const QString &url : urls)
        list.append(herald::Target::parse(url, nullptr));
    return list;
}

} // namespace herald::test
