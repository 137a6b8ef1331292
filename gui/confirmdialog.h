#pragma once

#include "broadcast/broadcastrequest.h"
#include "targets/target.h"

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace herald {

// Asks before a broadcast that changes state. Shows the exact request (method, filled path,
// headers, body size), the target count and the first targets; No is the default button, and
// with `typeCount` the operator must type the target count, or the names of the `groups` the
// targets come from, before Yes is enabled.
class ConfirmDialog : public QDialog
{
    Q_OBJECT
public:
    ConfirmDialog(const BroadcastRequest &request, const QList<Target> &targets, bool typeCount, const QStringList &groups = {},
                  QWidget *parent = nullptr);

    // "BAN /p/42", one "Name: value" line per header, and the body's size.
    static QString describe(const BroadcastRequest &request);

private:
    QLineEdit *m_count = nullptr;
    QPushButton *m_yes;
};

} // namespace herald
