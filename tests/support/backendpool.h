#pragma once

#include "targets/target.h"

#include "testbackend.h"

#include <QStringList>

#include <memory>
#include <vector>

namespace herald::test {

// The loopback backends one test case broadcasts to; cleared between cases.
class BackendPool
{
public:
    // Starts `count` more backends on 127.0.0.1 and returns their URLs.
    QStringList start(int count);
    // The targets those URLs name, as a static source would hold them.
    static QList<herald::Target> targets(const QStringList &urls);
    TestBackend &at(int index) { return *m_backends.at(static_cast<size_t>(index)); }
    int count() const { return static_cast<int>(m_backends.size()); }
    int totalRequests() const;
    void removeLast() { m_backends.pop_back(); }
    void clear() { m_backends.clear(); }

private:
    std::vector<std::unique_ptr<TestBackend>> m_backends;
};

} // namespace herald::test
