#include "comparedialog.h"

#include "statusicons.h"
#include "util/linediff.h"

#include <QDialogButtonBox>
#include <QGridLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTextBlock>

namespace herald {

CompareDialog::CompareDialog(const TargetResult &left, const QString &leftGroup, const TargetResult &right,
                             const QString &rightGroup, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("compareDialog"));
    setWindowTitle(tr("Compare targets"));
    const QStringList leftLines = answerLines(left);
    const QStringList rightLines = answerLines(right);
    const LineDiff diff = LineDiff::compare(leftLines, rightLines);
    auto *summary = new QLabel(this);
    summary->setObjectName(QStringLiteral("compareSummary"));
    summary->setText(diff.changedCount() == 0
                         ? tr("The two answers are the same.")
                         : tr("%1 of %2 lines differ, marked %3 (lines in one answer and not the other, in order).")
                               .arg(diff.changedCount())
                               .arg(leftLines.size() + rightLines.size())
                               .arg(marker));
    summary->setWordWrap(true);
    QPlainTextEdit *leftPane = makePane(left, leftGroup, leftLines, diff.changedA(), tr("Left"));
    QPlainTextEdit *rightPane = makePane(right, rightGroup, rightLines, diff.changedB(), tr("Right"));
    leftPane->setObjectName(QStringLiteral("compareLeft"));
    rightPane->setObjectName(QStringLiteral("compareRight"));
    // Scrolled together, so a marked line and its counterpart stay in view.
    connect(leftPane->verticalScrollBar(), &QScrollBar::valueChanged, rightPane->verticalScrollBar(), &QScrollBar::setValue);
    connect(rightPane->verticalScrollBar(), &QScrollBar::valueChanged, leftPane->verticalScrollBar(), &QScrollBar::setValue);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("compareCloseButton"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QGridLayout(this);
    layout->addWidget(summary, 0, 0, 1, 2);
    const auto title = [this](const TargetResult &result, const QString &group, QPlainTextEdit *pane) {
        auto *label = new QLabel(tr("%1 (group %2)").arg(result.target.baseUrl.toString(), group), this);
        label->setBuddy(pane);
        return label;
    };
    layout->addWidget(title(left, leftGroup, leftPane), 1, 0);
    layout->addWidget(title(right, rightGroup, rightPane), 1, 1);
    layout->addWidget(leftPane, 2, 0);
    layout->addWidget(rightPane, 2, 1);
    layout->addWidget(buttons, 3, 0, 1, 2);
    layout->setRowStretch(2, 1);
    resize(960, 560);
}

QStringList CompareDialog::answerLines(const TargetResult &result)
{
    QStringList lines;
    if (result.status > 0)
        lines << QStringLiteral("HTTP %1 %2").arg(result.status).arg(QString::fromLatin1(result.reason)).trimmed();
    else
        lines << StatusIcons::text(result, 0) + (result.error.isEmpty() ? QString() : QStringLiteral(": ") + result.error);
    for (const HttpHeader &header : result.responseHeaders)
        lines << QStringLiteral("%1: %2").arg(QString::fromLatin1(header.first), QString::fromUtf8(header.second));
    if (result.responseBody.isEmpty())
        return lines;
    lines << QString();
    QString body = QString::fromUtf8(result.responseBody);
    if (body.endsWith(QLatin1Char('\n')))
        body.chop(1);
    lines << body.split(QLatin1Char('\n'));
    if (result.responseBytes > result.responseBody.size())
        lines << tr("(%1 more bytes not kept)").arg(result.responseBytes - result.responseBody.size());
    return lines;
}

QPlainTextEdit *CompareDialog::makePane(const TargetResult &result, const QString &group, const QStringList &lines,
                                        const QList<bool> &changed, const QString &side)
{
    auto *pane = new QPlainTextEdit(this);
    pane->setAccessibleName(tr("%1 answer: %2, group %3").arg(side, result.target.baseUrl.toString(), group));
    pane->setReadOnly(true);
    pane->setLineWrapMode(QPlainTextEdit::NoWrap);
    QStringList text;
    for (qsizetype i = 0; i < lines.size(); ++i)
        text << (changed.value(i) ? QString(marker) + QLatin1Char(' ') : QStringLiteral("  ")) + lines.at(i);
    pane->setPlainText(text.join(QLatin1Char('\n')));
    // The marker says it in text; the background shows it at a glance.
    QList<QTextEdit::ExtraSelection> marks;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (!changed.value(i))
            continue;
        QTextEdit::ExtraSelection mark;
        mark.cursor = QTextCursor(pane->document()->findBlockByNumber(static_cast<int>(i)));
        mark.format.setBackground(QColor(255, 236, 179));
        mark.format.setForeground(Qt::black);
        mark.format.setProperty(QTextFormat::FullWidthSelection, true);
        marks.append(mark);
    }
    pane->setExtraSelections(marks);
    return pane;
}

} // namespace herald
