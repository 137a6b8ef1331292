#include "groupeditor.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QTextBlock>
#include <QVBoxLayout>

namespace herald {

GroupEditor::GroupEditor(QWidget *parent)
    : QWidget(parent)
    , m_text(new QPlainTextEdit(this))
    , m_errorList(new QLabel(this))
{
    m_text->setObjectName(QStringLiteral("groupTargetsEdit"));
    m_text->setAccessibleName(tr("Group targets, one per line"));
    m_text->setPlaceholderText(tr("http://10.0.0.5:6081\nhttp://10.0.0.6:6081\n\nor one line: dns:varnish.svc:6081 "
                                  "or srv:_http._tcp.varnish.svc\n(optional: nameserver=IP, scheme=https, "
                                  "pathPrefix=/p, refreshSeconds=N;\nfor https: tls.ca=FILE, tls.cert=FILE, tls.key=FILE, "
                                  "tls.serverName=NAME, tls.verify=true|false)"));
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_errorList->setObjectName(QStringLiteral("groupErrors"));
    m_errorList->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_errorList->setWordWrap(true);
    m_errorList->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_errorList);
    connect(m_text, &QPlainTextEdit::textChanged, this, &GroupEditor::check);
    check();
}

void GroupEditor::setSpec(const TargetSourceSpec &spec)
{
    m_text->setPlainText(TargetSpecText::format(spec));
}

void GroupEditor::clear()
{
    m_text->clear();
}

void GroupEditor::check()
{
    m_errors = TargetSpecText::parse(m_text->toPlainText(), &m_spec);
    QList<QTextEdit::ExtraSelection> marks;
    QStringList lines;
    for (const TargetSpecText::LineError &error : m_errors) {
        lines.append(error.line > 0 ? tr("Line %1: %2").arg(error.line).arg(error.message) : error.message);
        const QTextBlock block = m_text->document()->findBlockByNumber(error.line - 1);
        if (error.line <= 0 || !block.isValid())
            continue;
        QTextEdit::ExtraSelection mark;
        mark.format.setBackground(QColor(0xff, 0xdd, 0xdd));
        mark.format.setProperty(QTextFormat::FullWidthSelection, true);
        mark.format.setToolTip(error.message);
        mark.cursor = QTextCursor(block);
        marks.append(mark);
    }
    m_text->setExtraSelections(marks);
    // An empty editor is only "not yet", so its one error stays quiet until something is typed.
    const bool empty = m_text->toPlainText().trimmed().isEmpty();
    m_errorList->setText(empty ? QString() : lines.join(QLatin1Char('\n')));
    m_errorList->setVisible(!empty && !lines.isEmpty());
    Q_EMIT changed();
}

} // namespace herald
