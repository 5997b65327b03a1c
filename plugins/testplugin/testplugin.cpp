#include "testplugin.h"

#include "testsource.h"

std::unique_ptr<Opsdeck::DataSource> TestPlugin::createSource() const
{
    return std::make_unique<TestSource>();
}
