#pragma once

// Root object of the Cost Management plugin: makes one CostManagementSource per configured scope.

#include "datasourcefactory.h"

#include <QObject>

class CostManagementPlugin final : public QObject, public Opsdeck::DataSourceFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID OPSDECK_SOURCE_IID FILE "costmanagement.json")
    Q_INTERFACES(Opsdeck::DataSourceFactory)

public:
    std::unique_ptr<Opsdeck::DataSource> createSource() const override;
};
