#include "confirmdialog.h"

#include "statusicons.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace herald {

namespace {

constexpr int shownTargets = 5;

} // namespace

ConfirmDialog::ConfirmDialog(const BroadcastRequest &request, const QList<Target> &targets, bool typeCount,
                             const QStringList &groups, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("confirmDialog"));
    setWindowTitle(tr("Confirm broadcast"));
    const int count = static_cast<int>(targets.size());
    auto *question = new QLabel(tr("Send this request to %1?").arg(StatusIcons::targetCount(count)), this);
    question->setObjectName(QStringLiteral("confirmQuestion"));
    auto *requestView = new QPlainTextEdit(describe(request), this);
    requestView->setObjectName(QStringLiteral("confirmRequest"));
    requestView->setAccessibleName(tr("Request to send"));
    requestView->setReadOnly(true);
    requestView->setLineWrapMode(QPlainTextEdit::NoWrap);
    requestView->setMinimumWidth(480);
    requestView->setMaximumHeight(140);
    QStringList first;
    for (int i = 0; i < qMin(count, shownTargets); ++i)
        first.append(targets.at(i).baseUrl.toString());
    QString targetText = first.join(QLatin1Char('\n'));
    if (count > shownTargets)
        targetText += QLatin1Char('\n') + tr("... and %1 more").arg(count - shownTargets);
    auto *targetList = new QLabel(targetText, this);
    targetList->setObjectName(QStringLiteral("confirmTargets"));
    targetList->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox(this);
    m_yes = buttons->addButton(QDialogButtonBox::Yes);
    m_yes->setObjectName(QStringLiteral("confirmYesButton"));
    m_yes->setText(tr("&Yes, send"));
    m_yes->setAutoDefault(false);
    QPushButton *no = buttons->addButton(QDialogButtonBox::No);
    no->setObjectName(QStringLiteral("confirmNoButton"));
    no->setText(tr("&No"));
    no->setDefault(true);
    no->setFocus();
    connect(m_yes, &QPushButton::clicked, this, &QDialog::accept);
    connect(no, &QPushButton::clicked, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(question);
    layout->addWidget(requestView);
    layout->addWidget(new QLabel(tr("Targets:"), this));
    layout->addWidget(targetList);
    if (typeCount) {
        m_count = new QLineEdit(this);
        m_count->setObjectName(QStringLiteral("confirmCountEdit"));
        // A group's name is what the operator knows the targets by; typing it proves the same attention.
        const QString names = groups.join(QLatin1Char(','));
        auto *label = new QLabel(names.isEmpty()
                                     ? tr("Type the number of targets (%1) to confirm:").arg(count)
                                     : tr("Type the number of targets (%1) or the group name (%2) to confirm:").arg(count).arg(names),
                                 this);
        label->setBuddy(m_count);
        m_count->setAccessibleName(label->text());
        layout->addWidget(label);
        layout->addWidget(m_count);
        m_yes->setEnabled(false);
        connect(m_count, &QLineEdit::textChanged, this, [this, count, names](const QString &text) {
            const QString typed = text.trimmed().remove(QLatin1Char(' '));
            m_yes->setEnabled(typed == QString::number(count) || (!names.isEmpty() && typed == names));
        });
        m_count->setFocus();
    }
    layout->addWidget(buttons);
}

QString ConfirmDialog::describe(const BroadcastRequest &request)
{
    QString text = QStringLiteral("%1 %2\n").arg(QString::fromLatin1(request.method), QString::fromUtf8(request.pathAndQuery));
    for (const HttpHeader &header : request.headers)
        text += QStringLiteral("%1: %2\n").arg(QString::fromLatin1(header.first), QString::fromUtf8(header.second));
    text += request.body.isEmpty() ? tr("no body") : tr("body: %1").arg(StatusIcons::byteCount(request.body.size()));
    return text;
}

} // namespace herald
