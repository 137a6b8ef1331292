#pragma once

#include "store/storelocation.h"

#include <QStringList>

namespace herald {

// Moves what the GUI kept in its old folders (<config>/herald/herald, <data>/herald/herald) into
// the shared StoreLocation. Never replaces a file: a profile whose name is taken moves under a new
// name, an existing history takes the old one's broadcasts. A file that cannot move stays put.
class StoreMigration
{
public:
    explicit StoreMigration(const StoreLocation &location);

    // Moves what there is; logs one line per file moved or left (herald.store) and returns them.
    // With nothing left in the old folders it does nothing, so it may run at every start.
    QStringList run();

private:
    void moveTree(const QString &from, const QString &to);
    void moveFile(const QString &from, const QString &to);
    void moveHistory(const QString &from, const QString &to);
    void note(const QString &line);

    StoreLocation m_location;
    QStringList m_lines;
};

} // namespace herald
