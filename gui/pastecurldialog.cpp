#include "pastecurldialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace herald {

PasteCurlDialog::PasteCurlDialog(const QString &commandLine, QWidget *parent)
    : QDialog(parent)
    , m_edit(new QPlainTextEdit(commandLine, this))
    , m_error(new QLabel(this))
{
    setObjectName(QStringLiteral("pasteCurlDialog"));
    setWindowTitle(tr("Paste curl command"));
    auto *label = new QLabel(tr("&curl command (method, URL, -H headers and -d data go to the composer):"), this);
    label->setBuddy(m_edit);
    m_edit->setObjectName(QStringLiteral("curlCommandEdit"));
    m_edit->setAccessibleName(tr("curl command"));
    m_edit->setPlaceholderText(QStringLiteral("curl -X PURGE -H 'X-Reason: price' http://varnish:6081/product/42"));
    m_edit->setTabChangesFocus(true);
    m_edit->setMinimumWidth(560);
    m_error->setObjectName(QStringLiteral("curlCommandError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_error->hide();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("curlCommandOkButton"));
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Use in composer"));
    connect(buttons, &QDialogButtonBox::accepted, this, &PasteCurlDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(label);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    m_edit->setFocus();
}

QString PasteCurlDialog::error() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void PasteCurlDialog::accept()
{
    CurlCommand command;
    QString error;
    // @FILE in -d reads files relative to the current folder, as the command would in a shell.
    if (!CurlCommand::parse(m_edit->toPlainText(), &command, &error, CurlCommand::diskReader())) {
        m_error->setText(tr("Cannot use this command: %1").arg(error));
        m_error->show();
        m_edit->setFocus();
        return;
    }
    Q_EMIT parsed(command);
    QDialog::accept();
}

} // namespace herald
