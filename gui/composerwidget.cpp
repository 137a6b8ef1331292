#include "composerwidget.h"

#include "bodyeditor.h"
#include "grouppicker.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QShortcut>
#include <QSpinBox>
#include <QTableWidget>

namespace herald {

namespace {

enum SourceKind { StaticSource, DnsSource, SrvSource };

const char *const sourcePlaceholders[] = {"http://10.0.0.5:6081, http://10.0.0.6:6081",
                                          "varnish-headless.default.svc.cluster.local:6081",
                                          "_http._tcp.varnish.default.svc.cluster.local"};

} // namespace

ComposerWidget::ComposerWidget(QWidget *parent)
    : QWidget(parent)
    , m_method(new QComboBox(this))
    , m_path(new QLineEdit(QStringLiteral("/"), this))
    , m_headers(new QTableWidget(0, 2, this))
    , m_body(new BodyEditor(this))
    , m_sourceKind(new QComboBox(this))
    , m_targets(new QLineEdit(this))
    , m_groups(new GroupPicker(this))
    , m_retries(new QSpinBox(this))
    , m_timeout(new QSpinBox(this))
    , m_policy(new QComboBox(this))
    , m_error(new QLabel(this))
{
    m_method->setObjectName(QStringLiteral("methodCombo"));
    m_method->setAccessibleName(tr("Method"));
    m_method->setEditable(true);
    m_method->addItems({QStringLiteral("PURGE"), QStringLiteral("BAN"), QStringLiteral("GET"), QStringLiteral("HEAD"),
                        QStringLiteral("POST"), QStringLiteral("PUT"), QStringLiteral("PATCH"), QStringLiteral("DELETE")});
    m_method->setToolTip(tr("Any HTTP method token; type your own (e.g. REFRESH)"));
    m_path->setObjectName(QStringLiteral("pathEdit"));
    m_path->setAccessibleName(tr("Path"));
    m_path->setToolTip(tr("Path and query, sent to every target unchanged; {name} marks a profile parameter"));

    m_headers->setObjectName(QStringLiteral("headersTable"));
    m_headers->setAccessibleName(tr("Headers"));
    m_headers->setHorizontalHeaderLabels({tr("Header"), tr("Value")});
    m_headers->horizontalHeader()->setStretchLastSection(true);
    m_headers->verticalHeader()->hide();
    m_headers->setMaximumHeight(110);
    m_headers->setWordWrap(false);
    m_headers->setMinimumHeight(56); // with the composer shown the window still fits 900x600
    m_headers->setColumnWidth(0, 180);
    m_headers->setTabKeyNavigation(false); // Tab leaves the table: the form stays walkable by keyboard
    auto *addHeader = new QPushButton(tr("Add header"), this);
    addHeader->setObjectName(QStringLiteral("addHeaderButton"));
    auto *removeHeader = new QPushButton(tr("Remove header"), this);
    removeHeader->setObjectName(QStringLiteral("removeHeaderButton"));
    connect(addHeader, &QPushButton::clicked, this, [this] {
        addHeaderRow();
        m_headers->setCurrentCell(m_headers->rowCount() - 1, 0);
        m_headers->setFocus();
    });
    connect(removeHeader, &QPushButton::clicked, this, [this] {
        m_headers->removeRow(m_headers->currentRow());
        onChanged();
    });
    connect(m_headers, &QTableWidget::itemChanged, this, &ComposerWidget::onChanged);

    connect(m_body, &BodyEditor::changed, this, &ComposerWidget::onChanged);
    connect(m_body, &BodyEditor::failed, this, &ComposerWidget::showError);

    m_sourceKind->setObjectName(QStringLiteral("sourceKindCombo"));
    m_sourceKind->setAccessibleName(tr("Target source kind"));
    m_sourceKind->addItems({tr("Static list"), tr("DNS name:port"), tr("SRV name")});
    m_sourceKind->setToolTip(
        tr("DNS: every A/AAAA record of a name (a Kubernetes headless service). SRV: records with their own ports."));
    m_targets->setObjectName(QStringLiteral("targetsEdit"));
    m_targets->setAccessibleName(tr("Targets"));
    m_targets->setPlaceholderText(QString::fromLatin1(sourcePlaceholders[0]));
    connect(m_sourceKind, &QComboBox::currentIndexChanged, this, [this](int kind) {
        m_targets->setPlaceholderText(QString::fromLatin1(sourcePlaceholders[qBound(0, kind, 2)]));
        onChanged();
    });

    m_retries->setObjectName(QStringLiteral("retriesSpin"));
    m_retries->setAccessibleName(tr("Retries"));
    m_retries->setRange(0, 20);
    m_retries->setValue(2);
    m_retries->setPrefix(tr("retries: "));
    m_retries->setToolTip(tr("Retries after the first attempt: connection errors, timeouts, 5xx and 429"));
    m_timeout->setObjectName(QStringLiteral("timeoutSpin"));
    m_timeout->setAccessibleName(tr("Timeout"));
    m_timeout->setRange(50, 600000);
    m_timeout->setSingleStep(500);
    m_timeout->setValue(5000);
    m_timeout->setPrefix(tr("timeout: "));
    m_timeout->setSuffix(tr(" ms"));
    m_timeout->setToolTip(tr("Per-attempt timeout"));
    m_policy->setObjectName(QStringLiteral("policyCombo"));
    m_policy->setAccessibleName(tr("Policy"));
    m_policy->setEditable(true);
    m_policy->addItems({QStringLiteral("all"), QStringLiteral("any"), QStringLiteral("first"), QStringLiteral("quorum=50%")});
    m_policy->setToolTip(tr("When the broadcast counts as a success: all, any, first, quorum=N or quorum=P%"));
    m_error->setObjectName(QStringLiteral("composerError"));
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->setWordWrap(true);
    m_error->hide();

    connect(m_method, &QComboBox::currentTextChanged, this, &ComposerWidget::onChanged);
    connect(m_path, &QLineEdit::textChanged, this, &ComposerWidget::onChanged);
    connect(m_targets, &QLineEdit::textChanged, this, &ComposerWidget::onChanged);
    connect(m_groups, &GroupPicker::changed, this, &ComposerWidget::onChanged);
    connect(m_retries, &QSpinBox::valueChanged, this, &ComposerWidget::onChanged);
    connect(m_timeout, &QSpinBox::valueChanged, this, &ComposerWidget::onChanged);
    connect(m_policy, &QComboBox::currentTextChanged, this, &ComposerWidget::onChanged);
    buildLayout(addHeader, removeHeader);

    for (const QKeySequence &key : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *shortcut = new QShortcut(key, this);
        shortcut->setContext(Qt::WindowShortcut);
        connect(shortcut, &QShortcut::activated, this, &ComposerWidget::sendRequested);
    }
}

void ComposerWidget::buildLayout(QPushButton *addHeader, QPushButton *removeHeader)
{
    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    const auto label = [this](const QString &text, QWidget *buddy) {
        auto *l = new QLabel(text, this);
        l->setBuddy(buddy);
        return l;
    };
    auto *requestLine = new QHBoxLayout;
    requestLine->addWidget(m_method);
    requestLine->addWidget(m_path, 1);
    form->addRow(label(tr("&Request"), m_method), requestLine);
    auto *headerButtons = new QHBoxLayout;
    headerButtons->addWidget(addHeader);
    headerButtons->addWidget(removeHeader);
    headerButtons->addStretch();
    auto *headerBox = new QVBoxLayout;
    headerBox->addWidget(m_headers);
    headerBox->addLayout(headerButtons);
    form->addRow(label(tr("Hea&ders"), m_headers), headerBox);
    form->addRow(label(tr("B&ody"), m_body->textEdit()), m_body);
    auto *targetLine = new QHBoxLayout;
    targetLine->addWidget(m_sourceKind);
    targetLine->addWidget(m_targets, 1);
    form->addRow(label(tr("Tar&gets"), m_targets), targetLine);
    form->addRow(label(tr("Grou&ps"), m_groups), m_groups);
    auto *settingsLine = new QHBoxLayout;
    settingsLine->addWidget(m_retries);
    settingsLine->addWidget(m_timeout);
    settingsLine->addWidget(m_policy);
    settingsLine->addStretch();
    form->addRow(label(tr("Setti&ngs"), m_retries), settingsLine);
    form->addRow(m_error);
}

void ComposerWidget::onChanged()
{
    if (!m_loading) {
        m_edited = true;
        Q_EMIT changed();
    }
}

void ComposerWidget::showError(const QString &error)
{
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
}

QString ComposerWidget::composerWording(const QString &profileError)
{
    static const QHash<QString, QString> labels =
        {{QStringLiteral("method"), tr("Method")},   {QStringLiteral("path"), tr("Path")},
         {QStringLiteral("headers"), tr("Headers")}, {QStringLiteral("body"), tr("Body")},
         {QStringLiteral("targets"), tr("Targets")}, {QStringLiteral("group"), tr("Groups")},
         {QStringLiteral("retries"), tr("Retries")}, {QStringLiteral("timeout"), tr("Timeout")},
         {QStringLiteral("policy"), tr("Policy")},   {QStringLiteral("retryOn"), tr("Retry on")}};
    static const QRegularExpression field(QStringLiteral("^field \"([^\"]+)\": (?:\"(?:static|dns|srv)\": )?(.*)$"),
                                          QRegularExpression::DotMatchesEverythingOption);
    const QRegularExpressionMatch match = field.match(profileError);
    if (profileError.startsWith(QLatin1String("no targets: ")))
        return tr("Targets: %1").arg(profileError.mid(12));
    if (!match.hasMatch())
        return profileError;
    return QStringLiteral("%1: %2").arg(labels.value(match.captured(1), match.captured(1)), match.captured(2));
}

void ComposerWidget::setGroupNames(const QStringList &names)
{
    m_groups->setNames(names);
    showGroupRow();
}

// With no group saved the row would be an empty box; it appears with the first group.
void ComposerWidget::showGroupRow()
{
    static_cast<QFormLayout *>(layout())->setRowVisible(m_groups, m_groups->count() > 0);
}

void ComposerWidget::addHeaderRow(const QString &name, const QString &value)
{
    const int row = m_headers->rowCount();
    m_headers->insertRow(row);
    m_headers->setItem(row, 0, new QTableWidgetItem(name));
    m_headers->setItem(row, 1, new QTableWidgetItem(value));
    onChanged();
}

QString ComposerWidget::toProfile(const QString &name, Profile *profile) const
{
    QJsonObject json{{QLatin1String("name"), name},
                     {QLatin1String("method"), m_method->currentText().trimmed()},
                     {QLatin1String("path"), m_path->text().trimmed()},
                     {QLatin1String("retries"), m_retries->value()},
                     {QLatin1String("timeout"), QStringLiteral("%1ms").arg(m_timeout->value())},
                     {QLatin1String("policy"), m_policy->currentText().trimmed()}};
    QJsonArray headers;
    for (int row = 0; row < m_headers->rowCount(); ++row) {
        const QString header = m_headers->item(row, 0) ? m_headers->item(row, 0)->text().trimmed() : QString();
        if (!header.isEmpty())
            headers.append(QJsonArray{header, m_headers->item(row, 1) ? m_headers->item(row, 1)->text() : QString()});
    }
    if (!headers.isEmpty())
        json.insert(QLatin1String("headers"), headers);
    if (m_body->isBinary()) {
        if (!m_body->binary().isEmpty())
            json.insert(QLatin1String("bodyBase64"), QString::fromLatin1(m_body->binary().toBase64()));
    } else if (!m_body->text().isEmpty()) {
        json.insert(QLatin1String("body"), m_body->text());
    }
    const QString targets = m_targets->text().trimmed();
    if (!targets.isEmpty()) {
        QJsonObject source = m_sourceSettings;
        switch (m_sourceKind->currentIndex()) {
        case DnsSource:
            source.insert(QLatin1String("dns"), targets);
            break;
        case SrvSource:
            source.insert(QLatin1String("srv"), targets);
            break;
        default:
            source.insert(QLatin1String("static"),
                          QJsonArray::fromStringList(
                              targets.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts)));
        }
        json.insert(QLatin1String("targets"), source);
    }
    if (!m_groups->checkedNames().isEmpty())
        json.insert(QLatin1String("group"), QJsonArray::fromStringList(m_groups->checkedNames()));
    if (!m_retryOn.isEmpty())
        json.insert(QLatin1String("retryOn"), m_retryOn);
    if (!m_verify.isEmpty())
        json.insert(QLatin1String("verify"), m_verify);
    QString error;
    if (!Profile::fromJson(json, profile, &error))
        return error;
    const QStringList used = profile->parameters();
    for (const ProfileParameter &parameter : m_declaredParameters) {
        if (used.contains(parameter.name))
            profile->declaredParameters.append(parameter);
    }
    return {};
}

void ComposerWidget::load(const Profile &profile)
{
    m_loading = true;
    loadRequest({profile.method, profile.path.toUtf8(), profile.headers, profile.body, {}, "http"});
    if (profile.hasTargets) {
        const TargetSourceSpec &spec = profile.targets;
        m_sourceKind->setCurrentIndex(spec.kind == TargetSourceSpec::Kind::Dns   ? DnsSource
                                      : spec.kind == TargetSourceSpec::Kind::Srv ? SrvSource
                                                                                 : StaticSource);
        QStringList urls;
        for (const Target &target : spec.targets)
            urls.append(target.baseUrl.toString());
        m_targets->setText(spec.kind == TargetSourceSpec::Kind::Dns   ? QStringLiteral("%1:%2").arg(spec.name).arg(spec.port)
                           : spec.kind == TargetSourceSpec::Kind::Srv ? spec.name
                                                                      : urls.join(QStringLiteral(", ")));
    } else if (!profile.groups.isEmpty()) {
        m_targets->clear(); // the profile's groups are its targets; stale free ones would join them
    }
    m_groups->setCheckedNames(profile.groups);
    showGroupRow();
    const BroadcastOptions defaults;
    m_retries->setValue(profile.retries >= 0 ? profile.retries : defaults.retry.maxRetries);
    m_timeout->setValue(profile.timeoutMs >= 0 ? profile.timeoutMs : defaults.attemptTimeoutMs);
    m_policy->setCurrentText(profile.policy.isEmpty() ? defaults.policy.toString() : profile.policy);
    m_retryOn = profile.retryOn;
    m_verify = profile.verify;
    m_declaredParameters = profile.declaredParameters;
    m_sourceSettings = profile.hasTargets ? profile.targets.toJson() : QJsonObject();
    for (const char *list : {"static", "dns", "srv"})
        m_sourceSettings.remove(QLatin1String(list));
    m_loading = false;
    m_edited = false;
    Q_EMIT changed();
}

void ComposerWidget::loadRequest(const BroadcastRequest &request)
{
    const bool wasLoading = m_loading;
    m_loading = true;
    m_method->setCurrentText(QString::fromLatin1(request.method));
    m_path->setText(QString::fromUtf8(request.pathAndQuery));
    m_headers->setRowCount(0);
    for (const HttpHeader &header : request.headers)
        addHeaderRow(QString::fromLatin1(header.first), QString::fromUtf8(header.second));
    m_body->setBody(request.body);
    m_loading = wasLoading;
    onChanged();
}

void ComposerWidget::saveSettings(QSettings &settings) const
{
    settings.setValue(QStringLiteral("composer/method"), m_method->currentText());
    settings.setValue(QStringLiteral("composer/path"), m_path->text());
    QStringList headers;
    for (int row = 0; row < m_headers->rowCount(); ++row) {
        const QString name = m_headers->item(row, 0) ? m_headers->item(row, 0)->text() : QString();
        headers << name << (m_headers->item(row, 1) ? m_headers->item(row, 1)->text() : QString());
    }
    settings.setValue(QStringLiteral("composer/headers"), headers);
    m_body->save(settings);
    settings.setValue(QStringLiteral("composer/sourceKind"), m_sourceKind->currentIndex());
    settings.setValue(QStringLiteral("composer/targets"), m_targets->text());
    settings.setValue(QStringLiteral("composer/groups"), m_groups->checkedNames());
    settings.setValue(QStringLiteral("composer/retries"), m_retries->value());
    settings.setValue(QStringLiteral("composer/timeoutMs"), m_timeout->value());
    settings.setValue(QStringLiteral("composer/policy"), m_policy->currentText());
}

void ComposerWidget::restoreSettings(const QSettings &settings)
{
    m_loading = true;
    m_method->setCurrentText(settings.value(QStringLiteral("composer/method"), QStringLiteral("PURGE")).toString());
    m_path->setText(settings.value(QStringLiteral("composer/path"), QStringLiteral("/")).toString());
    m_headers->setRowCount(0);
    const QStringList headers = settings.value(QStringLiteral("composer/headers")).toStringList();
    for (int i = 0; i + 1 < headers.size(); i += 2)
        addHeaderRow(headers.at(i), headers.at(i + 1));
    m_body->restore(settings);
    m_sourceKind->setCurrentIndex(settings.value(QStringLiteral("composer/sourceKind"), 0).toInt());
    m_targets->setText(settings.value(QStringLiteral("composer/targets")).toString());
    m_groups->setCheckedNames(settings.value(QStringLiteral("composer/groups")).toStringList());
    showGroupRow();
    m_retries->setValue(settings.value(QStringLiteral("composer/retries"), 2).toInt());
    m_timeout->setValue(settings.value(QStringLiteral("composer/timeoutMs"), 5000).toInt());
    m_policy->setCurrentText(settings.value(QStringLiteral("composer/policy"), QStringLiteral("all")).toString());
    m_loading = false;
    m_edited = false;
    Q_EMIT changed();
}

} // namespace herald
