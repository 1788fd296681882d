package dev.orsgateway.core;

import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.core.testing.ResponseStoreContract;

class InMemoryResponseStoreTest extends ResponseStoreContract {
    @Override
    protected ResponseStore newStore() {
        return new InMemoryResponseStore();
    }
}
