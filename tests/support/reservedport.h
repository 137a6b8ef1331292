#pragma once

#include <QtGlobal>

namespace herald::test {

// A loopback port that is bound but never listens: a connection to it is refused, and nothing else
// can take it while this object lives. (A port closed again after a probe may be taken at once by
// a test running beside this one, and then it answers.)
class ReservedPort
{
public:
    ReservedPort();
    ~ReservedPort();
    ReservedPort(const ReservedPort &) = delete;
    ReservedPort &operator=(const ReservedPort &) = delete;

    quint16 port() const { return m_port; }
    // Frees the port, for a backend that is to listen on it next.
    void release();

private:
    int m_fd = -1;
    quint16 m_port = 0;
};

} // namespace herald::test
