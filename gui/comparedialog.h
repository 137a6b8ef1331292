#pragma once

#include "broadcast/targetresult.h"

#include <QDialog>
#include <QStringList>

class QPlainTextEdit;

namespace herald {

// Two targets' answers side by side: status, headers and the kept body, each line that is not in
// the other answer marked with "≠" and a background (LineDiff: a longest common subsequence of lines).
class CompareDialog : public QDialog
{
    Q_OBJECT
public:
    // `leftGroup`, `rightGroup`: the answer groups' names ("A", "B odd") shown in the pane titles.
    CompareDialog(const TargetResult &left, const QString &leftGroup, const TargetResult &right, const QString &rightGroup,
                  QWidget *parent = nullptr);

    // The lines compared: "HTTP 200 OK" (or the outcome and error), one per header, "", the body's.
    static QStringList answerLines(const TargetResult &result);
    static constexpr QChar marker = QChar(0x2260); // ≠

private:
    QPlainTextEdit *makePane(const TargetResult &result, const QString &group, const QStringList &lines,
                             const QList<bool> &changed, const QString &side);
};

} // namespace herald
