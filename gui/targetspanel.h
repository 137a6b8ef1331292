#pragma once

#include <QWidget>

class QTableView;

namespace herald {

class TargetStatusModel;

// The Targets tab: the resolved target set with each backend's last result and circuit (with the
// time until an open circuit's next probe), a Reset action for the selected circuits (or all), and Refresh.
class TargetsPanel : public QWidget
{
    Q_OBJECT
public:
    TargetsPanel(TargetStatusModel *model, QWidget *parent = nullptr);

Q_SIGNALS:
    void refreshRequested();

private:
    void resetSelected();

    TargetStatusModel *m_model;
    QTableView *m_view;
};

} // namespace herald
