#include "previewdialog.h"

#include "statusicons.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace herald {

PreviewDialog::PreviewDialog(const DryRun &run, QWidget *parent)
    : QDialog(parent)
    , m_tree(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("previewDialog"));
    setWindowTitle(tr("Preview: nothing is sent"));
    const int count = static_cast<int>(run.entries().size());
    // The window broadcasts through QNAM (Broadcaster's default), which adds a few headers itself.
    auto *intro = new QLabel(tr("What each of the %1 will receive, headers after the header policy. Nothing has been "
                                "sent. Qt's HTTP client also adds Connection, Accept-Encoding, Accept-Language and "
                                "User-Agent where the request has none.")
                                 .arg(StatusIcons::targetCount(count)),
                             this);
    intro->setObjectName(QStringLiteral("previewSummary"));
    intro->setWordWrap(true);
    intro->setBuddy(m_tree);
    m_tree->setObjectName(QStringLiteral("previewTree"));
    m_tree->setAccessibleName(tr("Requests per target"));
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Request"), tr("Body")});
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(false);
    m_tree->setUniformRowHeights(true);
    for (const DryRun::Entry &entry : run.entries()) {
        const QString body = entry.request.sendBody ? tr("%1, sha256 %2")
                                                          .arg(StatusIcons::byteCount(entry.request.body.size()),
                                                               QString::fromLatin1(entry.bodySha256.left(12)))
                                                    : tr("no body");
        auto *item = new QTreeWidgetItem(m_tree, {QStringLiteral("%1 %2").arg(QString::fromLatin1(entry.request.method),
                                                                              QString::fromUtf8(entry.request.url().toEncoded())),
                                                  body});
        item->setToolTip(1, QString::fromLatin1(entry.bodySha256));
        for (const HttpHeader &header : entry.request.headers)
            new QTreeWidgetItem(item, {QStringLiteral("%1: %2").arg(QString::fromLatin1(header.first),
                                                                    QString::fromUtf8(header.second))});
    }
    m_tree->expandAll();
    if (m_tree->topLevelItemCount() > 0)
        m_tree->setCurrentItem(m_tree->topLevelItem(0));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("previewCloseButton"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_tree, 1);
    layout->addWidget(buttons);
    resize(820, 520);
}

} // namespace herald
