import TextField from '@material-ui/core/TextField';
import { ReactNode } from 'react';

export interface PickerOption {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface PickerSelectProps {
  id: string;
  label: string;
  description?: ReactNode;
  required?: boolean;
  value?: string;
  options: PickerOption[];
  loading?: boolean;
  /** Why the current value or the list is not usable; shown at once, as the user changes the form. */
  error?: string;
  /** Why there is nothing to choose yet, e.g. "Choose a cluster first". */
  placeholder?: string;
  disabled?: boolean;
  onChange: (value: string | undefined) => void;
}

/** A native select: keyboard- and screen-reader-friendly, and what the scaffolder's own pickers look like next to it. */
export function PickerSelect(props: PickerSelectProps) {
  const {
    id,
    label,
    description,
    required,
    value,
    options,
    loading,
    error,
    placeholder,
    disabled,
    onChange,
  } = props;
  const empty = loading
    ? 'Loading…'
    : placeholder ?? `Choose ${label.toLocaleLowerCase('en-US')}`;
  return (
    <TextField
      id={id}
      label={label}
      select
      fullWidth
      margin="normal"
      variant="outlined"
      required={required}
      disabled={disabled || loading}
      value={value ?? ''}
      error={!!error}
      helperText={error ?? description}
      SelectProps={{ native: true }}
      InputLabelProps={{ shrink: true }}
      onChange={e => onChange(e.target.value || undefined)}
    >
      <option value="">{empty}</option>
      {options.map(o => (
        <option key={o.value} value={o.value} disabled={o.disabled}>
          {o.label}
        </option>
      ))}
    </TextField>
  );
}
