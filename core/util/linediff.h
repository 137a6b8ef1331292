#pragma once

#include <QList>
#include <QStringList>

namespace herald {

// Which lines of two texts differ, by a longest common subsequence over whole lines: a line that
// is in both, in the same order, is alike even when lines were added or removed before it.
class LineDiff
{
public:
    // changedA[i]: line i of `a` is not in the common subsequence; likewise for `b`.
    static LineDiff compare(const QStringList &a, const QStringList &b);

    const QList<bool> &changedA() const { return m_changedA; }
    const QList<bool> &changedB() const { return m_changedB; }
    int changedCount() const;

private:
    QList<bool> m_changedA;
    QList<bool> m_changedB;
};

} // namespace herald
