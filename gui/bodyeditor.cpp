#include "bodyeditor.h"

#include "statusicons.h"

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QStringDecoder>
#include <QVBoxLayout>

namespace herald {

namespace {

bool isText(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder(bytes);
    return !decoder.hasError() && !bytes.contains('\0');
}

} // namespace

BodyEditor::BodyEditor(QWidget *parent)
    : QWidget(parent)
    , m_text(new QPlainTextEdit(this))
    , m_clear(new QPushButton(tr("Clear"), this))
{
    m_text->setObjectName(QStringLiteral("bodyEdit"));
    m_text->setAccessibleName(tr("Body"));
    m_text->setPlaceholderText(tr("Request body (optional)"));
    m_text->setMaximumHeight(90);
    m_text->setMinimumHeight(36);
    m_text->setTabChangesFocus(true);
    connect(m_text, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_binary)
            Q_EMIT changed();
    });
    auto *load = new QPushButton(tr("&Load file..."), this);
    load->setObjectName(QStringLiteral("loadBodyButton"));
    load->setToolTip(tr("Use a file's bytes as the body, sent byte for byte"));
    connect(load, &QPushButton::clicked, this, &BodyEditor::loadFile);
    m_clear->setObjectName(QStringLiteral("clearBodyButton"));
    m_clear->setAccessibleName(tr("Clear body"));
    m_clear->setToolTip(tr("Forget the loaded file and type a body instead"));
    m_clear->hide();
    connect(m_clear, &QPushButton::clicked, this, &BodyEditor::clear);

    auto *buttons = new QVBoxLayout;
    buttons->addWidget(load);
    buttons->addWidget(m_clear);
    buttons->addStretch();
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text, 1);
    layout->addLayout(buttons);
}

QString BodyEditor::text() const
{
    return m_binary ? QString() : m_text->toPlainText();
}

void BodyEditor::setBody(const QByteArray &body)
{
    if (!isText(body)) {
        setBinary(body, tr("binary body"));
        return;
    }
    m_binary.reset();
    m_origin.clear();
    m_text->setReadOnly(false);
    m_clear->hide();
    m_text->setPlainText(QString::fromUtf8(body));
    Q_EMIT changed();
}

void BodyEditor::setBinary(const QByteArray &body, const QString &origin)
{
    m_binary = body;
    m_origin = origin;
    {
        const QSignalBlocker blocker(m_text);
        m_text->setPlainText(tr("%1: %2, sent byte for byte").arg(origin, StatusIcons::byteCount(body.size())));
    }
    m_text->setReadOnly(true);
    m_clear->show();
    Q_EMIT changed();
}

void BodyEditor::clear()
{
    setBody({});
}

void BodyEditor::loadFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Body from file"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        Q_EMIT failed(tr("Body: cannot read %1: %2").arg(path, file.errorString()));
        return;
    }
    setBinary(file.readAll(), QFileInfo(path).fileName());
}

void BodyEditor::save(QSettings &settings) const
{
    settings.setValue(QStringLiteral("composer/body"), text());
    settings.setValue(QStringLiteral("composer/binaryBody"), m_binary ? m_binary->toBase64() : QByteArray());
    settings.setValue(QStringLiteral("composer/binaryOrigin"), m_origin);
}

void BodyEditor::restore(const QSettings &settings)
{
    const QByteArray binary = QByteArray::fromBase64(settings.value(QStringLiteral("composer/binaryBody")).toByteArray());
    if (!binary.isEmpty())
        setBinary(binary, settings.value(QStringLiteral("composer/binaryOrigin")).toString());
    else
        setBody(settings.value(QStringLiteral("composer/body")).toString().toUtf8());
}

} // namespace herald
