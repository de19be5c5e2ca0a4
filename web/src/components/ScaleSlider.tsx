import { useId } from 'react';
import { Label, Slider, SliderOutput, SliderThumb, SliderTrack } from 'react-aria-components';

type ScaleSliderProps = {
  label: string;
  value: number;
  onChange: (value: number) => void;
  min?: number;
  max?: number;
  /** Words for the two ends, e.g. "not at all" and "completely". */
  lowWords: string;
  highWords: string;
};

/**
 * A 0–10 answer: arrows, Page Up/Down, Home and End move it; the value is shown beside the label
 * and read out by screen readers with the words for the ends.
 */
export function ScaleSlider({
  label,
  value,
  onChange,
  min = 0,
  max = 10,
  lowWords,
  highWords,
}: ScaleSliderProps) {
  const endsId = useId();
  return (
    <Slider
      className="scale"
      value={value}
      onChange={onChange}
      minValue={min}
      maxValue={max}
      step={1}
    >
      <div className="scale-head">
        <Label className="field-label">{label}</Label>
        {/* The slider itself announces its value; the output only shows it. */}
        <SliderOutput className="scale-value" aria-live="off">
          {({ state }) => (
            <>
              {state.getThumbValueLabel(0)}
              <span className="scale-of"> of {max}</span>
            </>
          )}
        </SliderOutput>
      </div>
      <SliderTrack className="scale-track">
        {({ state }) => (
          <>
            <div className="scale-rail" />
            <div
              className="scale-fill"
              style={{ width: `calc(${state.getThumbPercent(0) * 100}% + 0.875rem)` }}
            />
            <SliderThumb className="scale-thumb" aria-describedby={endsId} />
          </>
        )}
      </SliderTrack>
      <p className="scale-ends">
        <span aria-hidden="true">
          {min} · {lowWords}
        </span>
        <span aria-hidden="true">
          {max} · {highWords}
        </span>
        <span className="visually-hidden" id={endsId}>
          {min} means {lowWords}, {max} means {highWords}.
        </span>
      </p>
    </Slider>
  );
}
