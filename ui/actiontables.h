#pragma once

// The pieces every action screen shows the same way (the preview dialog, the restore runbook): a preview's
// changes (`kind/name field: from → to`) and an operation's steps (state icon and word, the server's
// answer) in read-only tables, and labels for server text — always plain text (DESIGN §8).

#include "actiontypes.h"

#include <QIcon>
#include <QStringList>

class QLabel;
class QTableWidget;
class QWidget;

namespace Opsdeck {

class ActionTables
{
public:
    // Columns of the two tables.
    enum ChangeColumn { ObjectColumn, FieldColumn, FromColumn, ToColumn };
    enum StepColumn { StepTitleColumn, StepStateColumn, StepAnswerColumn };

    static QTableWidget *createChangesTable(QWidget *parent);
    static QTableWidget *createStepsTable(QWidget *parent);
    // Fills the table; returns the affected objects ("Kind/name"), each once, in order.
    static QStringList showChanges(QTableWidget *table, const QList<ActionChange> &changes);
    static void showSteps(QTableWidget *table, const QList<ActionStep> &steps);

    // "Pending", "Running…", "Done", "Failed", "Skipped".
    static QString stateWord(ActionStep::State state);
    // The status vocabulary's icons: Done looks Healthy, Failed Unhealthy; Running and Pending their own.
    static QIcon stateIcon(ActionStep::State state);
    // "\"value\"", or "(none)" for an empty value.
    static QString quoted(const QString &value);
    // A selectable, word-wrapped label that never renders rich text.
    static QLabel *plainLabel(const QString &accessibleName, QWidget *parent);
};

} // namespace Opsdeck
