#include "actiontables.h"

#include "healthstyle.h"

#include <QApplication>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QStyle>
#include <QTableWidget>

namespace Opsdeck {

namespace {

QTableWidget *plainTable(const QString &accessibleName, const QStringList &headers, QWidget *parent)
{
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setAccessibleName(accessibleName);
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setTabKeyNavigation(false);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    table->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont)); // values line up like a diff
    return table;
}

QTableWidgetItem *item(const QString &text)
{
    auto *cell = new QTableWidgetItem(text); // item text is always plain
    cell->setToolTip(text);
    return cell;
}

} // namespace

QTableWidget *ActionTables::createChangesTable(QWidget *parent)
{
    return plainTable(QObject::tr("Changes"),
                      { QObject::tr("Object"), QObject::tr("Field"), QObject::tr("From"), QObject::tr("To") },
                      parent);
}

QTableWidget *ActionTables::createStepsTable(QWidget *parent)
{
    return plainTable(QObject::tr("Steps"),
                      { QObject::tr("Step"), QObject::tr("State"), QObject::tr("Answer") }, parent);
}

QStringList ActionTables::showChanges(QTableWidget *table, const QList<ActionChange> &changes)
{
    table->setRowCount(int(changes.size()));
    QStringList affected;
    for (int row = 0; row < changes.size(); ++row) {
        const ActionChange &c = changes[row];
        const QString object = QStringLiteral("%1/%2").arg(c.kind, c.name);
        table->setItem(row, ObjectColumn, item(object));
        table->setItem(row, FieldColumn, item(c.field));
        table->setItem(row, FromColumn, item(quoted(c.from)));
        table->setItem(row, ToColumn, item(quoted(c.to)));
        if (!affected.contains(object))
            affected << object;
    }
    table->resizeColumnsToContents();
    // Long annotation paths must not push from → to out of sight: cap them (the tooltip has all of it).
    const int em = table->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    table->setColumnWidth(ObjectColumn, qMin(table->columnWidth(ObjectColumn), 30 * em));
    table->setColumnWidth(FieldColumn, qMin(table->columnWidth(FieldColumn), 34 * em));
    // A connection string as "from" must leave "to" in sight too.
    table->setColumnWidth(FromColumn, qMin(table->columnWidth(FromColumn), 36 * em));
    table->setTextElideMode(Qt::ElideMiddle);
    return affected;
}

void ActionTables::showSteps(QTableWidget *table, const QList<ActionStep> &steps)
{
    table->setRowCount(int(steps.size()));
    for (int row = 0; row < steps.size(); ++row) {
        const ActionStep &s = steps[row];
        QString title = s.title;
        if (s.destructive)
            title += QObject::tr(" (needs the name typed)");
        table->setItem(row, StepTitleColumn, item(title));
        QTableWidgetItem *state = item(stateWord(s.state));
        state->setIcon(stateIcon(s.state));
        table->setItem(row, StepStateColumn, state);
        QString answer;
        if (s.httpStatus != 0)
            answer = QStringLiteral("%1 %2").arg(s.httpStatus).arg(s.response);
        else if (!s.response.isEmpty())
            answer = s.response;
        else if (!s.request.isEmpty())
            answer = s.request;
        table->setItem(row, StepAnswerColumn, item(answer));
        table->item(row, StepAnswerColumn)
            ->setToolTip(s.request + (s.response.isEmpty() ? QString() : QStringLiteral("\n") + s.response));
    }
    table->resizeColumnToContents(StepTitleColumn);
    table->resizeColumnToContents(StepStateColumn);
}

QString ActionTables::stateWord(ActionStep::State state)
{
    switch (state) {
    case ActionStep::State::Pending:
        return QObject::tr("Pending");
    case ActionStep::State::Running:
        return QObject::tr("Running…");
    case ActionStep::State::Succeeded:
        return QObject::tr("Done");
    case ActionStep::State::Failed:
        return QObject::tr("Failed");
    case ActionStep::State::Skipped:
        return QObject::tr("Skipped");
    }
    return {};
}

QIcon ActionTables::stateIcon(ActionStep::State state)
{
    switch (state) {
    case ActionStep::State::Succeeded:
        return HealthStyle::icon(Health::Healthy);
    case ActionStep::State::Failed:
        return HealthStyle::icon(Health::Unhealthy);
    case ActionStep::State::Running:
        return QIcon::fromTheme(QStringLiteral("media-playback-start"),
                                QApplication::style()->standardIcon(QStyle::SP_MediaPlay));
    case ActionStep::State::Pending:
        return HealthStyle::icon(Health::Stale); // the clock: waiting its turn
    case ActionStep::State::Skipped:
        return QIcon::fromTheme(QStringLiteral("media-skip-forward"),
                                QApplication::style()->standardIcon(QStyle::SP_MediaSkipForward));
    }
    return {};
}

QString ActionTables::quoted(const QString &value)
{
    return value.isEmpty() ? QObject::tr("(none)") : QStringLiteral("\"%1\"").arg(value);
}

QLabel *ActionTables::plainLabel(const QString &accessibleName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText); // annotations and server messages are never rich text
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setAccessibleName(accessibleName);
    return label;
}

} // namespace Opsdeck
