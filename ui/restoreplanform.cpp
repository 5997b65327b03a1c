#include "restoreplanform.h"

#include "actiontables.h"
#include "clock.h"
#include "databasetablemodel.h"
#include "healthstyle.h"
#include "restorerunbook.h"

#include <QAbstractItemView>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>

namespace Opsdeck {

namespace {

QDateTime wholeMinute(const QDateTime &time)
{
    QDateTime t = time;
    t.setTime(QTime(t.time().hour(), t.time().minute()));
    return t;
}

} // namespace

RestorePlanForm::RestorePlanForm(const ServiceKey &service, const Clock &clock, QWidget *parent)
    : QWidget(parent)
    , m_service(service)
    , m_clock(clock)
{
    setAccessibleName(tr("Restore plan"));
    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_database = new QComboBox(this);
    m_database->setAccessibleName(tr("Database to restore"));
    m_database->view()->setAccessibleName(tr("Databases of %1").arg(service.name)); // the drop-down list
    m_database->setMinimumContentsLength(24);
    connect(m_database, &QComboBox::currentIndexChanged, this, &RestorePlanForm::onDatabaseChanged);
    form->addRow(tr("1. &Database:"), m_database);
    m_databaseInfo = ActionTables::plainLabel(tr("Database details"), this);
    form->addRow(QString(), m_databaseInfo);

    m_point = new QDateTimeEdit(this);
    m_point->setAccessibleName(tr("Restore point in time"));
    m_point->setAccessibleDescription(tr("Local time; the UTC time is shown below"));
    m_point->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    m_point->setCalendarPopup(true);
    m_point->setTimeSpec(Qt::LocalTime);
    // No minimum or maximum: a point out of range is explained (validatePoint), not silently clamped.
    m_point->setDateTimeRange(QDateTime(QDate(2000, 1, 1), QTime(0, 0)),
                              QDateTime(QDate(2100, 1, 1), QTime(0, 0)));
    m_earliest = new QPushButton(tr("&Earliest"), this);
    m_earliest->setAccessibleName(tr("Set the earliest restore point"));
    m_earliest->setToolTip(tr("The oldest point this database can be restored to"));
    m_now = new QPushButton(tr("No&w"), this);
    m_now->setAccessibleName(tr("Set the restore point to now"));
    auto *pointRow = new QWidget(this);
    auto *pointLayout = new QHBoxLayout(pointRow);
    pointLayout->setContentsMargins(0, 0, 0, 0);
    pointLayout->addWidget(m_point, 1);
    pointLayout->addWidget(m_earliest);
    pointLayout->addWidget(m_now);
    auto *pointLabel = new QLabel(tr("2. &Point in time (local):"), this);
    pointLabel->setBuddy(m_point);
    form->addRow(pointLabel, pointRow);
    m_pointUtc = ActionTables::plainLabel(tr("Restore point in UTC"), this);
    form->addRow(QString(), m_pointUtc);
    m_range = ActionTables::plainLabel(tr("Restorable range"), this);
    form->addRow(QString(), m_range);

    m_name = new QLineEdit(this);
    m_name->setAccessibleName(tr("New database name"));
    m_name->setMaxLength(128);
    form->addRow(tr("3. New &name:"), m_name);

    m_repoint = new QCheckBox(tr("4. Point %1 at the restored data&base").arg(service.name), this);
    m_repoint->setAccessibleName(tr("Point %1 at the restored database").arg(service.name));
    m_repoint->setToolTip(
        tr("Updates the connection string in Secret %1-db and restarts %1 (stable and canary)")
            .arg(service.name));
    form->addRow(QString(), m_repoint);

    auto *problemRow = new QWidget(this);
    auto *problemLayout = new QHBoxLayout(problemRow);
    problemLayout->setContentsMargins(0, 0, 0, 0);
    m_problemIcon = new QLabel(problemRow);
    m_problemIcon->setPixmap(HealthStyle::icon(Health::Unhealthy).pixmap(16, 16));
    m_problemIcon->setAccessibleName(tr("Problem"));
    problemLayout->addWidget(m_problemIcon, 0, Qt::AlignTop);
    m_problem = ActionTables::plainLabel(tr("What is wrong with the plan"), problemRow);
    problemLayout->addWidget(m_problem, 1);
    form->addRow(QString(), problemRow);

    connect(m_point, &QDateTimeEdit::dateTimeChanged, this, &RestorePlanForm::update);
    connect(m_name, &QLineEdit::textEdited, this, [this](const QString &text) {
        m_nameTyped = !text.trimmed().isEmpty() && text != defaultName();
        update();
    });
    connect(m_repoint, &QCheckBox::toggled, this, &RestorePlanForm::update);
    connect(m_earliest, &QPushButton::clicked, this, [this] {
        if (const auto db = database(); db && db->earliestRestoreDate.isValid())
            setPointInTime(db->earliestRestoreDate);
    });
    connect(m_now, &QPushButton::clicked, this, [this] { setPointInTime(serverNow()); });

    // A few minutes back, on the minute: a typical "just before it broke" that is inside the range.
    setPointInTime(wholeMinute(m_clock.wallNow().addSecs(-5 * 60)));
    onDatabaseChanged();
}

RestorePlanForm::~RestorePlanForm() = default;

QDateTime RestorePlanForm::serverNow() const
{
    // The simulator's clock may run ahead of ours (--speed): judge "now" as the server does.
    const QDateTime wall = m_clock.wallNow();
    const auto db = database();
    if (!db || !db->earliestRestoreDate.isValid())
        return wall;
    return RestoreRunbook::serverNow(db->earliestRestoreDate, db->creationDate, wall,
                                     RestoreRunbook::Settings {}.retentionDays);
}

void RestorePlanForm::setDatabases(const QList<SqlDatabase> &databases)
{
    if (databases == m_databases)
        return; // the pane passes on every poll; an open drop-down must not flicker
    const QString chosen = m_database->currentData().toString();
    const bool first = m_databases.isEmpty() && !databases.isEmpty();
    QStringList before;
    for (const SqlDatabase &db : std::as_const(m_databases))
        before << db.name;
    m_databases = databases;
    QStringList after;
    for (const SqlDatabase &db : databases)
        after << db.name;
    if (after != before) {
        const QSignalBlocker blocker(m_database);
        m_database->clear();
        for (const SqlDatabase &db : databases)
            m_database->addItem(db.name, db.name);
        const int index = m_database->findData(chosen);
        m_database->setCurrentIndex(index >= 0 ? index : (databases.isEmpty() ? -1 : 0));
    }
    // The first list tells the server's clock: the default point follows it.
    if (first) {
        const QSignalBlocker blocker(m_point);
        setPointInTime(wholeMinute(serverNow().addSecs(-5 * 60)));
    }
    onDatabaseChanged();
}

bool RestorePlanForm::selectDatabase(const QString &name)
{
    const int index = m_database->findData(name);
    if (index < 0)
        return false;
    m_database->setCurrentIndex(index);
    return true;
}

std::optional<SqlDatabase> RestorePlanForm::database() const
{
    const QString name = m_database->currentData().toString();
    for (const SqlDatabase &db : m_databases) {
        if (db.name == name)
            return db;
    }
    return std::nullopt;
}

void RestorePlanForm::setPointInTime(const QDateTime &point)
{
    m_point->setDateTime(point.toLocalTime());
}

QDateTime RestorePlanForm::pointInTime() const
{
    return m_point->dateTime().toUTC();
}

QString RestorePlanForm::defaultName() const
{
    const auto db = database();
    return db ? RestoreRunbook::defaultRestoreName(db->name, pointInTime()) : QString();
}

QString RestorePlanForm::newName() const
{
    const QString typed = m_name->text().trimmed();
    return typed.isEmpty() ? defaultName() : typed;
}

bool RestorePlanForm::repoint() const
{
    return m_repoint->isChecked();
}

void RestorePlanForm::setRepoint(bool repoint)
{
    m_repoint->setChecked(repoint);
}

std::optional<Error> RestorePlanForm::check() const
{
    const auto invalid = [](const QString &message, const QString &hint = {}) {
        return Error { ErrorKind::Invalid, message, hint, std::nullopt };
    };
    const auto db = database();
    if (!db)
        return m_databases.isEmpty()
            ? invalid(tr("No database of %1 is known yet.").arg(m_service.name),
                      tr("Wait for the Azure SQL source to list the server's databases."))
            : invalid(tr("Choose the database to restore."));
    if (!db->earliestRestoreDate.isValid())
        return invalid(tr("%1 has no restore point yet (status %2).").arg(db->name, db->status),
                       tr("A database being created has no backups to restore from."));
    if (const Result<void> valid
        = RestoreRunbook::validatePoint(pointInTime(), db->earliestRestoreDate, serverNow());
        !valid)
        return valid.error();
    const QString name = newName();
    if (const Result<void> valid = RestoreRunbook::validateName(name); !valid)
        return valid.error();
    for (const SqlDatabase &other : m_databases) {
        if (other.server == db->server && other.name.compare(name, Qt::CaseInsensitive) == 0)
            return invalid(tr("A database named %1 already exists on server %2.").arg(name, db->server),
                           tr("Choose another name."));
    }
    return std::nullopt;
}

QVariantMap RestorePlanForm::parameters() const
{
    const auto db = database();
    return {
        { QStringLiteral("database"), db ? db->name : QString() },
        { QStringLiteral("pointInTime"), pointInTime().toString(Qt::ISODate) },
        { QStringLiteral("newName"), newName() },
        { QStringLiteral("repoint"), repoint() },
    };
}

void RestorePlanForm::onDatabaseChanged()
{
    const auto db = database();
    if (!db) {
        m_databaseInfo->setText(
            m_databases.isEmpty()
                ? tr("No Azure SQL database tagged Service=%1 has been read yet.").arg(m_service.name)
                : QString());
    } else {
        const Health health = DatabaseTableModel::healthFor(db->status);
        m_databaseInfo->setText(tr("%1 (%2) · server %3 · %4")
                                    .arg(HealthStyle::word(health), db->status, db->server,
                                         db->sku.isEmpty() ? tr("SKU unknown") : db->sku));
    }
    m_database->setEnabled(!m_databases.isEmpty());
    m_earliest->setEnabled(db && db->earliestRestoreDate.isValid());
    update();
}

void RestorePlanForm::update()
{
    const QDateTime point = pointInTime();
    m_pointUtc->setText(tr("= %1").arg(DatabaseTableModel::utcText(point)));
    const auto db = database();
    if (db && db->earliestRestoreDate.isValid()) {
        QString range = tr("Restorable from %1 (%2) up to now")
                            .arg(DatabaseTableModel::localText(db->earliestRestoreDate),
                                 DatabaseTableModel::utcText(db->earliestRestoreDate));
        const QDateTime now = serverNow();
        if (qAbs(now.secsTo(m_clock.wallNow())) > 60)
            range += tr(" (the server's clock reads %1)").arg(DatabaseTableModel::utcText(now));
        m_range->setText(range);
    } else
        m_range->clear();
    m_range->setVisible(!m_range->text().isEmpty());

    // The name follows the database and the point until the user types one of their own.
    const QString name = defaultName();
    m_name->setPlaceholderText(name);
    if (!m_nameTyped && m_name->text() != name) {
        const QSignalBlocker blocker(m_name);
        m_name->setText(name);
    }

    const std::optional<Error> problem = check();
    QString text;
    if (problem)
        text = problem->hint.isEmpty() ? problem->message : tr("%1 %2").arg(problem->message, problem->hint);
    m_problem->setText(text);
    m_problem->parentWidget()->setVisible(problem.has_value());
    // A poll that brings the same databases changes nothing a preview was made of: stay quiet then.
    const QVariantMap now = parameters();
    if (now == m_lastParameters && text == m_lastProblem)
        return;
    m_lastParameters = now;
    m_lastProblem = text;
    Q_EMIT changed();
}

} // namespace Opsdeck
