package dev.orsgateway.core.internal.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DemandTest {

    @Test
    void increaseReportsWhetherDemandWasFulfilledBefore() {
        Demand demand = new Demand();
        assertThat(demand.isFulfilled()).isTrue();
        assertThat(demand.increase(2)).isTrue();
        assertThat(demand.increase(3)).isFalse();
        assertThat(demand.get()).isEqualTo(5);
        assertThat(demand.isFulfilled()).isFalse();
    }

    @Test
    void tryDecrementTakesOneUnitUntilNoneIsLeft() {
        Demand demand = new Demand();
        demand.increase(2);
        assertThat(demand.tryDecrement()).isTrue();
        assertThat(demand.tryDecrement()).isTrue();
        assertThat(demand.tryDecrement()).isFalse();
        assertThat(demand.get()).isZero();
        assertThat(demand.isFulfilled()).isTrue();
    }

    @Test
    void increaseSaturatesAtLongMaxValue() {
        Demand demand = new Demand();
        demand.increase(Long.MAX_VALUE - 1);
        demand.increase(Long.MAX_VALUE);
        assertThat(demand.get()).isEqualTo(Long.MAX_VALUE);
        demand.increase(1);
        assertThat(demand.get()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void nonPositiveIncreaseIsRejectedAsRule39Violation() {
        Demand demand = new Demand();
        assertThatThrownBy(() -> demand.increase(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3.9");
        assertThatThrownBy(() -> demand.increase(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(demand.get()).isZero();
    }
}
