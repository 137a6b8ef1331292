#pragma once

#include "targets/targetsourcespec.h"

#include <QList>
#include <QString>

namespace herald {

// The multi-line form of a TargetSourceSpec that people edit (the GUI's group editor): one URL per
// line, or one `dns:NAME:PORT` or `srv:NAME` line, plus optional `nameserver=IP`, `scheme=https`,
// `pathPrefix=/p` and `refreshSeconds=N` lines, and the "tls" keys as `tls.ca=FILE`, `tls.cert=FILE`,
// `tls.key=FILE`, `tls.serverName=NAME`, `tls.verify=true|false`; blank lines and lines starting
// with # are skipped.
class TargetSpecText
{
public:
    struct LineError
    {
        int line = 0; // 1-based; 0: the text as a whole (e.g. no target at all)
        QString message;
        bool operator==(const LineError &other) const { return line == other.line && message == other.message; }
    };

    // Every line's error, in line order; none means *spec was filled.
    static QList<LineError> parse(const QString &text, TargetSourceSpec *spec);
    // The text parse() reads back into the same spec.
    static QString format(const TargetSourceSpec &spec);
};

} // namespace herald
