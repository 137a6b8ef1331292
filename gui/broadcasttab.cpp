#include "broadcasttab.h"

#include "composerwidget.h"
#include "resultspanel.h"
#include "statusicons.h"

#include <QHBoxLayout>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

namespace herald {

BroadcastTab::BroadcastTab(ComposerWidget *composer, ResultsPanel *results, QWidget *parent)
    : QWidget(parent)
    , m_composerToggle(new QToolButton(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
{
    const auto makeButton = [this](const QString &text, const QString &name, const QString &tip) {
        auto *button = new QPushButton(text, this);
        button->setObjectName(name);
        button->setToolTip(tip);
        return button;
    };
    m_send = makeButton(tr("&Send"), QStringLiteral("sendButton"), tr("Broadcast to every target (Ctrl+Return)"));
    m_send->setIcon(StatusIcons::byName(QStringLiteral("sending")));
    m_preview = makeButton(tr("Previe&w"), QStringLiteral("previewButton"),
                           tr("Show what each target will receive, without sending anything (Ctrl+Shift+P)"));
    m_cancel = makeButton(tr("&Cancel"), QStringLiteral("cancelButton"), tr("Stop the broadcast in flight"));
    m_again = makeButton(tr("Send &again"), QStringLiteral("rerunButton"), tr("Send the last broadcast again to the same targets"));
    m_againFailed = makeButton(tr("Send again to &failed"), QStringLiteral("rerunFailedButton"),
                               tr("Send the last broadcast again, only to the targets that failed"));

    m_composerToggle->setObjectName(QStringLiteral("composerToggle"));
    m_composerToggle->setText(tr("Composer"));
    m_composerToggle->setAccessibleName(tr("Show composer"));
    m_composerToggle->setToolTip(tr("Show or hide the composer, to give the results the room (Ctrl+Shift+E)"));
    m_composerToggle->setCheckable(true);
    m_composerToggle->setChecked(true);
    m_composerToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_composerToggle->setArrowType(Qt::DownArrow);
    connect(m_composerToggle, &QToolButton::toggled, this, [this, composer](bool shown) {
        composer->setVisible(shown);
        m_composerToggle->setArrowType(shown ? Qt::DownArrow : Qt::RightArrow);
    });

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_composerToggle);
    buttons->addWidget(m_send);
    buttons->addWidget(m_preview);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_again);
    buttons->addWidget(m_againFailed);
    buttons->addStretch();
    m_splitter->setObjectName(QStringLiteral("composerSplitter"));
    m_splitter->addWidget(composer);
    m_splitter->addWidget(results);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_splitter, 1);
}

void BroadcastTab::saveSettings(QSettings &settings) const
{
    settings.setValue(QStringLiteral("window/composerSplitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("window/composerShown"), m_composerToggle->isChecked());
}

void BroadcastTab::restoreSettings(const QSettings &settings)
{
    m_splitter->restoreState(settings.value(QStringLiteral("window/composerSplitter")).toByteArray());
    m_composerToggle->setChecked(settings.value(QStringLiteral("window/composerShown"), true).toBool());
}

} // namespace herald
