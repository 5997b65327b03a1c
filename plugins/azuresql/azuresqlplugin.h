#pragma once

// Root object of the Azure SQL plugin: makes the AzureSqlSource that reads each service's databases.
// (Room A2 adds the restore runbook's ActionProviderFactory side here.)

#include "datasourcefactory.h"

#include <QObject>

class AzureSqlPlugin final : public QObject, public Opsdeck::DataSourceFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID OPSDECK_SOURCE_IID FILE "azuresql.json")
    Q_INTERFACES(Opsdeck::DataSourceFactory)

public:
    std::unique_ptr<Opsdeck::DataSource> createSource() const override;
};
