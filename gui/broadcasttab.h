#pragma once

#include <QWidget>

class QPushButton;
class QSettings;
class QSplitter;
class QToolButton;

namespace herald {

class ComposerWidget;
class ResultsPanel;

// The Broadcast tab's layout: the action buttons and the summary on top, then the composer
// (collapsible, so the results can have the room) above the results, with a remembered splitter.
class BroadcastTab : public QWidget
{
    Q_OBJECT
public:
    BroadcastTab(ComposerWidget *composer, ResultsPanel *results, QWidget *parent = nullptr);

    QPushButton *sendButton() const { return m_send; }
    QPushButton *previewButton() const { return m_preview; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *againButton() const { return m_again; }
    QPushButton *againFailedButton() const { return m_againFailed; }
    QToolButton *composerToggle() const { return m_composerToggle; }
    void saveSettings(QSettings &settings) const;
    void restoreSettings(const QSettings &settings);

private:
    QPushButton *m_send;
    QPushButton *m_preview;
    QPushButton *m_cancel;
    QPushButton *m_again;
    QPushButton *m_againFailed;
    QToolButton *m_composerToggle;
    QSplitter *m_splitter;
};

} // namespace herald
