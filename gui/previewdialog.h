#pragma once

#include "broadcast/dryrun.h"

#include <QDialog>

class QTreeWidget;

namespace herald {

// What each target will receive, without sending anything (a DryRun): method and URL, every
// header after the header policy, and the body's size and hash, one expandable row per target.
class PreviewDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PreviewDialog(const DryRun &run, QWidget *parent = nullptr);

    QTreeWidget *tree() const { return m_tree; }

private:
    QTreeWidget *m_tree;
};

} // namespace herald
