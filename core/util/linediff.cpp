#include "util/linediff.h"

#include <algorithm>
#include <vector>

namespace herald {

namespace {

// 4 M cells of int: 16 MB at most, for two texts of 2,000 lines each.
constexpr size_t maxCells = 4u * 1024 * 1024;

} // namespace

LineDiff LineDiff::compare(const QStringList &a, const QStringList &b)
{
    const auto n = static_cast<size_t>(a.size());
    const auto m = static_cast<size_t>(b.size());
    LineDiff diff;
    if (n * m > maxCells) {
        // Too big for the table: compare line by line at the same index instead.
        for (size_t k = 0; k < n; ++k)
            diff.m_changedA.append(k >= m || a.at(static_cast<qsizetype>(k)) != b.at(static_cast<qsizetype>(k)));
        for (size_t k = 0; k < m; ++k)
            diff.m_changedB.append(k >= n || a.at(static_cast<qsizetype>(k)) != b.at(static_cast<qsizetype>(k)));
        return diff;
    }
    // length[i][j]: the LCS of a[i..] and b[j..]. Responses are kept to a few kB, so n*m stays small.
    std::vector<std::vector<int>> length(n + 1, std::vector<int>(m + 1, 0));
    for (size_t i = n; i-- > 0;) {
        for (size_t j = m; j-- > 0;) {
            length[i][j] = a.at(static_cast<qsizetype>(i)) == b.at(static_cast<qsizetype>(j))
                               ? length[i + 1][j + 1] + 1
                               : std::max(length[i + 1][j], length[i][j + 1]);
        }
    }
    diff.m_changedA.fill(true, a.size());
    diff.m_changedB.fill(true, b.size());
    size_t i = 0;
    size_t j = 0;
    while (i < n && j < m) {
        if (a.at(static_cast<qsizetype>(i)) == b.at(static_cast<qsizetype>(j))) {
            diff.m_changedA[static_cast<qsizetype>(i++)] = false;
            diff.m_changedB[static_cast<qsizetype>(j++)] = false;
        } else if (length[i + 1][j] >= length[i][j + 1]) {
            ++i;
        } else {
            ++j;
        }
    }
    return diff;
}

int LineDiff::changedCount() const
{
    return static_cast<int>(m_changedA.count(true) + m_changedB.count(true));
}

} // namespace herald
