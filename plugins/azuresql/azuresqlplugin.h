#pragma once

// Root object of the Azure SQL plugin: makes the AzureSqlSource that reads each service's databases, and
// the RestoreActionProvider that runs the point-in-time restore runbook (`restore-db`).

#include "actionproviderfactory.h"
#include "datasourcefactory.h"

#include <QObject>

class AzureSqlPlugin final : public QObject, public Opsdeck::DataSourceFactory, public Opsdeck::ActionProviderFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID OPSDECK_SOURCE_IID FILE "azuresql.json")
    Q_INTERFACES(Opsdeck::DataSourceFactory Opsdeck::ActionProviderFactory)

public:
    std::unique_ptr<Opsdeck::DataSource> createSource() const override;
    // Never null: with bad settings the provider offers restore-db disabled, saying why.
    std::unique_ptr<Opsdeck::ActionProvider> createActionProvider(const Opsdeck::SourceConfig &config) const override;
};
